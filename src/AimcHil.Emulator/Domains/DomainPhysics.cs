using System.Runtime.Intrinsics;
using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Domains;

/// <summary>One computation principle (docs/architecture.md §4.1): how device states and inputs become analog
/// conversions, and how conversion codes recombine into one output per column.</summary>
/// <remarks>
/// An MVM runs <see cref="Phases"/> input phases (1, or one per input bit for bit-serial domains); each phase
/// evaluates the tile's <see cref="LinearCore"/> on <see cref="InputFeatures"/>, shapes it (<see cref="ShapeAnalog"/>),
/// converts every conversion with the column ADC, and adds the codes with integer weights
/// <see cref="Recombination"/>. The recombined code times <see cref="MacPerUnit"/>·ADC LSB is the MAC value.
/// </remarks>
public abstract class DomainPhysics
{
    protected DomainPhysics(ChipPreset preset, IDeviceModel device, IWeightEncoding encoding)
    {
        Preset = preset;
        Device = device;
        Encoding = encoding;
        InputCodeMax = (1 << (preset.Dac.Bits - 1)) - 1;
    }

    public ChipPreset Preset { get; }

    public IDeviceModel Device { get; }

    public IWeightEncoding Encoding { get; }

    public int InputCodeMax { get; }

    public abstract ComputationDomain Domain { get; }

    /// <summary>Analog conversions per output column (weight bit columns of bit-sliced domains).</summary>
    public virtual int ConversionsPerOutput => 1;

    public virtual int Phases => 1;

    /// <summary>MAC units per unit of recombined conversion.</summary>
    public virtual double MacPerUnit => 1;

    public abstract string InputUnit { get; }

    public abstract double InputFullScale { get; }

    public abstract string OutputUnit { get; }

    /// <summary>Physical output (at the ADC input) per conversion unit, nominal.</summary>
    public abstract double OutputPerUnit { get; }

    /// <summary>The column converter; its range is in conversion units.</summary>
    public virtual Adc CreateAdc() => new(Preset.Adc.Bits, Preset.Adc.RangeMac, unipolar: false, Preset.Adc.InlPeakLsb);

    /// <summary>Integer weight of conversion <paramref name="sub"/> of an output in phase <paramref name="phase"/>.</summary>
    public virtual long Recombination(int phase, int sub) => 1;

    /// <summary>Input features for a phase: normalized input by default.</summary>
    public virtual void InputFeatures(int phase, ReadOnlySpan<int> codes, Span<float> features)
    {
        var scale = 1f / InputCodeMax;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var factor = Vector256.Create(scale);
            for (; k <= codes.Length - Vector256<int>.Count; k += Vector256<int>.Count)
            {
                (Vector256.ConvertToSingle(Vector256.Create(codes.Slice(k, Vector256<int>.Count))) * factor).CopyTo(features.Slice(k, Vector256<int>.Count));
            }
        }

        for (; k < codes.Length; k++)
        {
            features[k] = codes[k] * scale;
        }
    }

    /// <summary>Draws the domain's own fixed pattern for a tile (capacitor or delay mismatch).</summary>
    internal virtual void DrawPattern(TileState tile, SeededRandom fab)
    {
    }

    /// <summary>The compute view of a tile whose devices are in <paramref name="states"/>.</summary>
    internal abstract LinearCore Build(TileState tile, float[][] states, double ageSeconds);

    /// <summary>Domain limits on the analog value before the ADC (integrator rails), in place; sets
    /// <paramref name="clipped"/> for every conversion that hit one and returns how many did.</summary>
    public virtual int ShapeAnalog(Span<float> conversions, Span<bool> clipped) => 0;

    /// <summary>Refuses a preset whose analog ranges contradict each other (an ADC range the circuit can never
    /// reach, a rail inside the converter's range), with the numbers and what to change.</summary>
    public virtual void CheckRanges(Adc adc)
    {
    }

    /// <summary>The MAC value of the ADC's top code when it lies beyond <paramref name="reachableMac"/>, the most the
    /// circuit can produce (codes above it unreachable); null when the converter's range fits.</summary>
    protected static double? UnreachableTopMac(Adc adc, double reachableMac)
    {
        var top = adc.CodeMax * adc.Lsb;
        return top > reachableMac * (1 + 1e-9) ? top : null;
    }

    /// <summary>Boltzmann's constant k, of the kT/C noise the capacitive domains sample.</summary>
    public const double BoltzmannJoulePerKelvin = 1.380649e-23;

    /// <summary>The RMS kT/C noise, in volts, of <paramref name="capacitors"/> independent samplings of
    /// <paramref name="capacitanceFarad"/> at <paramref name="temperatureKelvin"/> added together: √(n·kT/C).</summary>
    protected static double KtcNoiseVolts(double temperatureKelvin, double capacitanceFarad, int capacitors = 1) =>
        Math.Sqrt(capacitors * BoltzmannJoulePerKelvin * temperatureKelvin / capacitanceFarad);

    /// <summary>The domain's non-idealities as in effect.</summary>
    public abstract IEnumerable<NonIdeality> Describe();

    /// <summary>The range of recombined output codes and the MAC value at its positive end.</summary>
    public virtual (int Min, int Max, double MacFullScale) OutputRange(Adc adc) => (adc.CodeMin, adc.CodeMax, adc.FullScale * MacPerUnit);

    /// <summary>The chip for a preset's domain with its device.</summary>
    public static DomainPhysics Create(ChipPreset preset, IDeviceModel device)
    {
        var binary = device.Levels == 2;
        var physics = Of(preset, device, binary);
        if (!physics.AppliesIvNonLinearity && !device.NonLinearity.IsLinear)
        {
            // aimc info would list the curve as on while nothing in this domain bends with it.
            throw new AimcException($"the {SnakeCase.Of(preset.Domain)} domain does not apply a device I–V curve (its cells switch or delay rather than conduct at a read voltage): set iv_non_linearity: false in the {SnakeCase.Of(preset.Device)} section");
        }

        return physics;
    }

    /// <summary>Whether this domain's outputs bend with the device's I–V curve (devices conducting at a read voltage).</summary>
    protected virtual bool AppliesIvNonLinearity => false;

    private static DomainPhysics Of(ChipPreset preset, IDeviceModel device, bool binary)
    {
        return preset.Domain switch
        {
            ComputationDomain.Current => new CurrentDomain(preset, device),
            ComputationDomain.Charge => new ChargeDomain(preset, device),
            ComputationDomain.ResistiveDivision => new ResistiveDivisionDomain(preset, device),
            ComputationDomain.TimeDomain => new TimeDomain(preset, device),
            ComputationDomain.CapacitiveDivision when binary => new CapacitiveDivisionDomain(preset, device),
            ComputationDomain.ChargeRedistribution when binary => new ChargeRedistributionDomain(preset, device),
            _ => throw new AimcException($"domain {SnakeCase.Of(preset.Domain)} needs binary cells that switch unit capacitors: use device sram, not {SnakeCase.Of(preset.Device)}"),
        };
    }

    /// <summary>Unit-capacitor mismatch as the binary cell model reports it (its cell mismatch).</summary>
    protected NonIdeality CapacitorMismatch()
    {
        var cell = Device.Describe().FirstOrDefault(d => d.Name == "cell_mismatch");
        return Effect("capacitor_mismatch", cell?.Enabled ?? false, cell?.Value ?? 0, "relative", "unit-capacitor mismatch (the binary cell's mismatch)");
    }

    protected static NonIdeality Effect(string name, bool enabled, double value, string unit, string description) =>
        new(name, enabled, value, unit, description);
}
