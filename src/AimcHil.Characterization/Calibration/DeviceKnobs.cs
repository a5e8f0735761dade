using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;

namespace AimcHil.Characterization.Calibration;

/// <summary>The device parameters a fit turns, for each device model, as scale factors on the model's own laws
/// (1 = the published fit the model carries).</summary>
internal static class DeviceKnobs
{
    private const double RramBaseReadSigma = 0.01;
    private const double RramBaseProgrammingSigma = 0.03;

    public static ChipPreset WithReadNoise(ChipPreset preset, double scale) => preset.Device switch
    {
        DeviceTechnology.Pcm => preset with { Pcm = Pcm(preset) with { ReadNoise = scale > 0, ReadNoiseScale = scale } },
        DeviceTechnology.Rram => preset with { Rram = Rram(preset) with { ReadNoise = scale > 0, ReadNoiseSigma = scale * RramBaseReadSigma } },
        _ => throw Unsupported(preset),
    };

    public static ChipPreset WithProgrammingNoise(ChipPreset preset, double scale) => preset.Device switch
    {
        DeviceTechnology.Pcm => preset with { Pcm = Pcm(preset) with { ProgrammingNoise = scale > 0, ProgrammingNoiseScale = scale } },
        DeviceTechnology.Rram => preset with { Rram = Rram(preset) with { ProgrammingNoise = scale > 0, ProgrammingSigma = scale * RramBaseProgrammingSigma } },
        _ => throw Unsupported(preset),
    };

    /// <summary>Drift on with its exponents scaled, or off (scale 0); devices without drift refuse a non-zero scale.</summary>
    public static ChipPreset WithDrift(ChipPreset preset, double scale) => preset.Device switch
    {
        DeviceTechnology.Pcm => preset with { Pcm = Pcm(preset) with { Drift = scale > 0, DriftScale = Math.Max(scale, 0) } },
        _ when scale == 0 => preset,
        _ => throw new AimcException($"the {SnakeCase.Of(preset.Device)} model has no drift, yet the drift dataset shows ν = {scale:0.###} × the PCM law"),
    };

    public static ChipPreset WithStuckFractions(ChipPreset preset, double onFraction, double offFraction) => preset.Device switch
    {
        DeviceTechnology.Pcm => preset with { Pcm = Pcm(preset) with { StuckAt = onFraction + offFraction > 0, StuckOnFraction = onFraction, StuckOffFraction = offFraction } },
        DeviceTechnology.Rram => preset with { Rram = Rram(preset) with { StuckAt = onFraction + offFraction > 0, StuckOnFraction = onFraction, StuckOffFraction = offFraction } },
        _ => throw Unsupported(preset),
    };

    /// <summary>The lowest state a device holds (RRAM's 1/on-off ratio), as the stuck map's low reads give it.</summary>
    public static ChipPreset WithMinState(ChipPreset preset, double minState) => preset.Device switch
    {
        _ when !(minState < 1) => throw new AimcException($"the stuck dataset's devices programmed to their lowest state read back at {minState:0.###} of full scale: no on/off ratio can be fitted from that (check the stuck measurement)"),
        DeviceTechnology.Rram when minState > 1e-3 => preset with { Rram = Rram(preset) with { FiniteOnOff = true, OnOffRatio = 1 / minState } },
        _ => preset,
    };

    public static string Prefix(ChipPreset preset) => SnakeCase.Of(preset.Device);

    private static PcmConfig Pcm(ChipPreset preset) => preset.Pcm ?? new PcmConfig();

    private static RramConfig Rram(ChipPreset preset) => preset.Rram ?? new RramConfig();

    private static AimcException Unsupported(ChipPreset preset) => new($"calibration fits pcm and rram devices, not {SnakeCase.Of(preset.Device)}");
}
