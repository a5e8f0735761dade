namespace AimcHil.Rig;

/// <summary>A rig-file key renamed so that its unit reads as a suffix like every other physical key's
/// (<c>rail_volts</c>, <c>vdd_volts</c>): the old spelling still reads, with the same value and unit, and earns one
/// warning line.</summary>
/// <param name="Old">The key as earlier rig files wrote it.</param>
/// <param name="New">The key documented in hil-rigs/RIG-FILE.md.</param>
/// <param name="Unit">The unit both spellings take, in words.</param>
internal sealed record DeprecatedKey(string Old, string New, string Unit)
{
    /// <summary>Every renamed key; unlike <c>RigFileReader</c>'s replaced keys, a value here keeps its meaning.</summary>
    public static readonly IReadOnlyList<DeprecatedKey> All =
    [
        new("read_voltage", "read_volts", "volts"),
    ];

    /// <summary>The rename whose old spelling is <paramref name="key"/>, if any.</summary>
    public static DeprecatedKey? Of(string key) => All.FirstOrDefault(d => d.Old == key);

    /// <summary>The warning a rig file using the old spelling at <paramref name="place"/> (<c>FILE:LINE</c>) gets.</summary>
    public string Warning(string place) => $"aimc: warning: {place}: {Old} is deprecated: write {New} (same unit, {Unit})";
}
