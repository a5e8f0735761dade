namespace AimcHil.Cli.Commands;

/// <summary>What <c>aimc bench link --json</c> prints.</summary>
internal sealed record LinkBench(
    string Rig,
    int BaudRate,
    int MaxPayload,
    int Window,
    PayloadEfficiencies PayloadEfficiency,
    double RoundTripMs,
    double RoundTripMsP90,
    double RoundTripMsP99,
    double LinkUtilization)
{
    /// <summary>The protocol version the host spoke ("1.2"; "1.1" or "1.0" with --protocol).</summary>
    public string Protocol { get; init; } = "";

    /// <summary>Wire bytes both ways of one 64-vector MVM on the tile, in steady state (column scales held).</summary>
    public long WireBytesPerMvm { get; init; }

    /// <summary>The same MVM's codes at their bit width, in frames (<see cref="LinkMinimum"/>).</summary>
    public long MinWireBytesPerMvm { get; init; }

    /// <summary>Wire bytes both ways of a write-verify of 1 % of the tile's weights to new targets.</summary>
    public long WireBytesPerReprogram { get; init; }

    /// <summary>Which cells (their set's entropy) and their targets at the device's precision, in frames, plus the
    /// pulses spent.</summary>
    public long MinWireBytesPerReprogram { get; init; }

    /// <summary>A full write-verify of the tile over the paced line, short report.</summary>
    public double ProgramTileSeconds { get; init; }

    /// <summary>The hil step measurement; null with --hil-steps 0.</summary>
    public HilStepBench? Hil { get; init; }

    public double? HilStepSeconds => Hil?.StepSeconds;

    public double? HilStepMinSeconds => Hil?.MinSeconds;
}
