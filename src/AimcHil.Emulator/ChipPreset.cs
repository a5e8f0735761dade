using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;
using YamlDotNet.Serialization;

namespace AimcHil.Emulator;

/// <summary>Everything that defines an emulated chip: domain, device, geometry, periphery and every non-ideality.</summary>
/// <remarks>Rig files (<c>hil-rigs/*.yaml</c>) deserialize into this record, snake_case keys, units in the names.</remarks>
public sealed record ChipPreset
{
    public string Name { get; init; } = "emulated-chip";

    public ComputationDomain Domain { get; init; } = ComputationDomain.Current;

    public DeviceTechnology Device { get; init; } = DeviceTechnology.Pcm;

    [ValidRange(1, 4096)]
    public int Rows { get; init; } = 256;

    [ValidRange(1, 4096)]
    public int Cols { get; init; } = 256;

    [ValidRange(1, 1024)]
    public int Tiles { get; init; } = 1;

    public DacConfig Dac { get; init; } = new();

    public AdcConfig Adc { get; init; } = new();

    public ColumnMismatchConfig ColumnMismatch { get; init; } = new();

    public WireConfig Wires { get; init; } = new();

    /// <summary>1T1R (true) or passive 1R crossbar (false): without access transistors, single-cell reads see sneak paths.</summary>
    public bool AccessTransistors { get; init; } = true;

    /// <summary>Global drift compensation: outputs rescaled by a reference read right after programming vs now.</summary>
    public bool DriftCompensation { get; init; }

    public TimingConfig Timing { get; init; } = new();

    /// <summary>How single-device programming pulses move a device (<see cref="EmulatedChip.ApplyPulse"/>).</summary>
    public PulseResponse PulseResponse { get; init; } = new();

    public PcmConfig? Pcm { get; init; }

    public RramConfig? Rram { get; init; }

    public SramConfig? Sram { get; init; }

    public CurrentDomainConfig? Current { get; init; }

    public ChargeDomainConfig? Charge { get; init; }

    public ChargeRedistributionConfig? ChargeRedistribution { get; init; }

    public CapacitiveDivisionConfig? CapacitiveDivision { get; init; }

    public ResistiveDivisionConfig? ResistiveDivision { get; init; }

    public TimeDomainConfig? TimeDomain { get; init; }

    /// <summary>An int8/uint8 .npy of tiles × arrays × rows × cols stuck codes (0 healthy, 1 stuck off, 2 stuck on),
    /// relative to the rig file's folder; the rig reader loads it into <see cref="MeasuredStuck"/>.</summary>
    public string? StuckMapFile { get; init; }

    /// <summary>Measured stuck codes, flat tiles × arrays × rows × cols (arrays as the weight encoding orders its
    /// device arrays): replaces the random stuck draw.</summary>
    [YamlIgnore]
    public sbyte[]? MeasuredStuck { get; init; }

    /// <summary>The same chip with every non-ideality switched off: what remains is DAC/ADC quantization and the
    /// device's finite levels, which are how the chip represents numbers, not errors.</summary>
    public ChipPreset Ideal() => this with
    {
        Adc = Adc with { InlPeakLsb = 0 },
        ColumnMismatch = new ColumnMismatchConfig { Enabled = false },
        Wires = new WireConfig(),
        AccessTransistors = true,
        DriftCompensation = false,
        StuckMapFile = null,
        MeasuredStuck = null,
        Pcm = (Pcm ?? new PcmConfig()).Ideal(),
        Rram = (Rram ?? new RramConfig()).Ideal(),
        Sram = (Sram ?? new SramConfig()).Ideal(),
        Current = (Current ?? new CurrentDomainConfig()).Ideal(),
        Charge = (Charge ?? new ChargeDomainConfig()).Ideal(),
        ChargeRedistribution = (ChargeRedistribution ?? new ChargeRedistributionConfig()).Ideal(),
        CapacitiveDivision = (CapacitiveDivision ?? new CapacitiveDivisionConfig()).Ideal(),
        ResistiveDivision = (ResistiveDivision ?? new ResistiveDivisionConfig()).Ideal(),
        TimeDomain = (TimeDomain ?? new TimeDomainConfig()).Ideal(),
    };

    /// <summary>The device model this preset names, with its configuration or the defaults.</summary>
    public IDeviceModel CreateDevice() => Device switch
    {
        DeviceTechnology.Pcm => new PcmDevice(Pcm ?? new PcmConfig()),
        DeviceTechnology.Rram => new RramDevice(Rram ?? new RramConfig()),
        DeviceTechnology.Sram => new SramDevice(Sram ?? new SramConfig()),
        _ => throw new AimcException($"device {SnakeCase.Of(Device)} has no emulator model yet; use pcm, rram or sram"),
    };
}
