using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Characterization.Calibration;

/// <summary>The part of a twin that a chip states about itself rather than being measured: geometry, domain, device
/// kind and full scale, DAC and ADC widths and range, and drift compensation; every
/// non-ideality starts off and is switched on by a fit.</summary>
public static class TwinDesign
{
    /// <summary>The design preset of a chip from its info and its devices' full scale (from a read-back).</summary>
    public static ChipPreset From(ChipInfo chip, double deviceFullScale)
    {
        if (chip.Domain != ComputationDomain.Current)
        {
            throw new AimcException($"calibration covers current-domain chips so far; {chip.Name} computes in the {SnakeCase.Of(chip.Domain)} domain");
        }

        if (chip.WeightEncoding != WeightEncoding.DifferentialPair)
        {
            throw new AimcException($"calibration needs differential-pair weights; {chip.Name} encodes them as {SnakeCase.Of(chip.WeightEncoding)}");
        }

        if (Stated(chip, "sneak_paths"))
        {
            throw new AimcException($"calibration needs access devices; {chip.Name} is a passive array, whose single-device read-backs measure sneak paths through the whole array, not the device (its stuck, programming, read-noise and drift fits would fit the array)");
        }

        if (!(deviceFullScale > 0) || !double.IsFinite(deviceFullScale))
        {
            throw new AimcException($"the datasets give no device full scale (read {deviceFullScale}): measure programming or ir-drop again");
        }

        var preset = new ChipPreset
        {
            Name = chip.Name + "-twin",
            Domain = chip.Domain,
            Device = chip.Device,
            Rows = chip.Rows,
            Cols = chip.Cols,
            Tiles = chip.Tiles,
            Dac = new DacConfig { Bits = chip.DacBits },
            Adc = new AdcConfig { Bits = chip.AdcBits, RangeMac = chip.MacFullScale, InlPeakLsb = 0 },
            ColumnMismatch = new ColumnMismatchConfig { Enabled = false },
            Wires = new WireConfig(),
            // Design facts the chip states in its info, as a datasheet would: no measurement needed or possible.
            AccessTransistors = true,
            DriftCompensation = Stated(chip, "drift_compensation"),
            Current = new Emulator.Domains.CurrentDomainConfig { ReadVoltage = chip.InputFullScale },
        };
        return chip.Device switch
        {
            DeviceTechnology.Pcm => preset with
            {
                Pcm = new PcmConfig { GMaxSiemens = deviceFullScale }.Ideal(),
            },
            DeviceTechnology.Rram => preset with
            {
                Rram = new RramConfig
                {
                    GMaxSiemens = deviceFullScale,
                    FiniteLevels = chip.WeightLevels > 0,
                    Levels = chip.WeightLevels > 0 ? (chip.WeightLevels + 1) / 2 : 0,
                }.Ideal() with { FiniteLevels = chip.WeightLevels > 0 },
            },
            _ => throw new AimcException($"calibration fits pcm and rram devices; {chip.Name} has {SnakeCase.Of(chip.Device)}"),
        };
    }

    private static bool Stated(ChipInfo chip, string effect) => chip.NonIdealities.Any(n => n.Name == effect && n.Enabled);
}
