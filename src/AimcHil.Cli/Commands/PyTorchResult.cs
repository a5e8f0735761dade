namespace AimcHil.Cli.Commands;

/// <summary>What the PyTorch loop measured, or why there is no figure (then <see cref="SamplesPerSecond"/> is null).</summary>
internal sealed record PyTorchResult(double? SamplesPerSecond, string? Framework, string? Python, string? Note);
