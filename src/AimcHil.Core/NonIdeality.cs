namespace AimcHil.Core;

/// <summary>One non-ideality of a chip as it is in effect: what it is, its value and unit, and whether it is on.</summary>
public sealed record NonIdeality(string Name, bool Enabled, double Value, string Unit, string Description);
