using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Characterization.Calibration;

/// <summary>The part of a twin that a chip states about itself rather than being measured: geometry, domain, device
/// kind and full scale, DAC and ADC widths and range, drift compensation, in the charge domain the pulse width, the
/// integrator's output per MAC, its rails and its kT/C noise, in the resistive-division domain the read voltage and
/// whether the loads are balanced; every other non-ideality starts off and is switched on by a fit.</summary>
public static class TwinDesign
{
    /// <summary>The design preset of a chip from its info and its devices' full scale (from a read-back).</summary>
    public static ChipPreset From(ChipInfo chip, double deviceFullScale)
    {
        if (chip.Domain is not (ComputationDomain.Current or ComputationDomain.Charge or ComputationDomain.ResistiveDivision))
        {
            throw new AimcException($"calibration covers current-, charge- and resistive-division-domain chips so far; {chip.Name} computes in the {SnakeCase.Of(chip.Domain)} domain");
        }

        if (chip.WeightEncoding != WeightEncoding.DifferentialPair)
        {
            throw new AimcException($"calibration needs differential-pair weights; {chip.Name} encodes them as {SnakeCase.Of(chip.WeightEncoding)}");
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
            AccessTransistors = !Stated(chip, "sneak_paths"),
            DriftCompensation = Stated(chip, "drift_compensation"),
            Current = chip.Domain == ComputationDomain.Current ? new CurrentDomainConfig { ReadVolts = chip.InputFullScale } : null,
            Charge = chip.Domain == ComputationDomain.Charge ? Integrator(chip, deviceFullScale) : null,
            ResistiveDivision = chip.Domain == ComputationDomain.ResistiveDivision
                ? new ResistiveDivisionConfig { ReadVolts = chip.InputFullScale, BalanceLoads = !Stated(chip, "unbalanced_divider") }
                : null,
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
                }.Ideal() with
                {
                    // Ideal() switches finite levels off with the non-idealities; the levels are a design fact.
                    FiniteLevels = chip.WeightLevels > 0,
                },
            },
            _ => throw new AimcException($"calibration fits pcm and rram devices; {chip.Name} has {SnakeCase.Of(chip.Device)}"),
        };
    }

    /// <summary>Sets the charge-domain twin's integration capacitance so that its volts per MAC are the chip's, once the
    /// fits have fixed the device floor (the pair's span, which the volts per MAC carry); its kT/C noise keeps the volts
    /// the chip states. Other domains pass unchanged.</summary>
    /// <remarks>The rails and the kT/C noise act in MAC units through the volts per MAC, so they are only right on that
    /// scale.</remarks>
    public static ChipPreset WithChipOutputScale(ChipPreset twin, ChipInfo chip)
    {
        if (twin.Charge is not { } charge)
        {
            return twin;
        }

        // Rails off in the probe: before the match they may sit inside the ADC range, which the emulator refuses.
        using var probe = new EmulatedChip(twin with { Tiles = 1, Charge = charge with { Saturation = false } }, CandidateRun.Seed);
        var ratio = probe.Info.OutputFullScale / probe.Info.MacFullScale / (chip.OutputFullScale / chip.MacFullScale);
        var capacitance = charge.IntegrationCapacitanceFarad * ratio;
        return twin with { Charge = charge with { IntegrationCapacitanceFarad = capacitance, TemperatureKelvin = KtcTemperature(chip, capacitance) } };
    }

    /// <summary>The integrator as the chip states it: pulse width at full scale, rails, kT/C noise, and a capacitance
    /// that gives the chip's volts per MAC (at a read voltage the chip does not state: only the product matters, and
    /// the twin's devices are ohmic, their I–V bend being one gain the column gains take up).</summary>
    private static ChargeDomainConfig Integrator(ChipInfo chip, double deviceFullScale)
    {
        var design = new ChargeDomainConfig();
        var voltsPerMac = chip.OutputFullScale / chip.MacFullScale;
        var capacitance = design.ReadVolts * deviceFullScale * chip.InputFullScale / voltsPerMac;
        var rail = chip.NonIdealities.FirstOrDefault(n => n.Name == "integrator_saturation");
        return design with
        {
            PulseFullScaleSeconds = chip.InputFullScale,
            IntegrationCapacitanceFarad = capacitance,
            Saturation = rail is { Enabled: true },
            RailVolts = rail is { Enabled: true } ? rail.Value : design.RailVolts,
            KtcNoise = Stated(chip, "ktc_noise"),
            TemperatureKelvin = KtcTemperature(chip, capacitance),
        };
    }

    /// <summary>The temperature at which a capacitance gives the kT/C noise the chip states (σ² = kT/C), or the default
    /// when it states none.</summary>
    private static double KtcTemperature(ChipInfo chip, double capacitanceFarad)
    {
        var ktc = chip.NonIdealities.FirstOrDefault(n => n.Name == "ktc_noise");
        return ktc is { Enabled: true } ? ktc.Value * ktc.Value * capacitanceFarad / DomainPhysics.BoltzmannJoulePerKelvin : new ChargeDomainConfig().TemperatureKelvin;
    }

    private static bool Stated(ChipInfo chip, string effect) => chip.NonIdealities.Any(n => n.Name == effect && n.Enabled);
}
