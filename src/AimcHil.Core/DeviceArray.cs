namespace AimcHil.Core;

/// <summary>One array of devices (e.g. G⁺, G⁻, bit 2) with states normalized to the device's full scale.</summary>
/// <param name="Name">"G+", "G-", "bit0", ….</param>
/// <param name="States">State / full scale, in [0, 1].</param>
/// <param name="FullScale">The physical state at 1.0, in <paramref name="Unit"/>.</param>
public sealed record DeviceArray(string Name, Grid<float> States, double FullScale, string Unit);
