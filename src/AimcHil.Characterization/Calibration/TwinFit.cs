using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>A fitted twin: its preset, the measured arrays that go beside it, and the fit report.</summary>
/// <param name="ColumnGain">tiles × cols relative gain.</param>
/// <param name="ColumnOffset">tiles × cols offset as a fraction of ADC full scale.</param>
public sealed record TwinFit(ChipPreset Preset, float[][] ColumnGain, float[][] ColumnOffset, StuckFit Stuck, IReadOnlyList<FitParameter> Report);
