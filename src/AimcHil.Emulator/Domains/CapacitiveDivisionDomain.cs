using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Domains;

/// <summary>Capacitive division: every cell holds a binary-weighted capacitor bank (2^b·C_u per magnitude bit) on a
/// floating top plate; the weight's bits choose which capacitors' bottom plates step by ΔV_i, the rest stay at the
/// reference, and the sign cell chooses the plate (⁺ or ⁻). So ΔV_out = Σᵢ C_driven,i ΔV_i / (Σ C + C_p) with a total
/// that does not depend on the weights.</summary>
public sealed class CapacitiveDivisionDomain : DomainPhysics
{
    private readonly CapacitiveDivisionConfig _config;
    private readonly BitSlicedEncoding _bits;

    public CapacitiveDivisionDomain(ChipPreset preset, IDeviceModel device)
        : this(preset, device, preset.CapacitiveDivision ?? new CapacitiveDivisionConfig())
    {
    }

    private CapacitiveDivisionDomain(ChipPreset preset, IDeviceModel device, CapacitiveDivisionConfig config)
        : base(preset, device, new BitSlicedEncoding(WeightEncoding.SignMagnitudeBits, config.WeightBits))
    {
        _config = config;
        _bits = (BitSlicedEncoding)Encoding;
    }

    public override ComputationDomain Domain => ComputationDomain.CapacitiveDivision;

    public override string InputUnit => "V";

    public override double InputFullScale => _config.DriveVolts;

    public override string OutputUnit => "V";

    /// <summary>Nominal capacitance of one top plate: rows cells of Q unit capacitors each.</summary>
    public double PlateCapacitanceFarad => Preset.Rows * _bits.MaxMagnitude * Device.FullScale;

    /// <summary>Designed for a plate without parasitics: V per MAC = Q·C_u·ΔV / (rows·Q·C_u).</summary>
    public override double OutputPerUnit => _config.DriveVolts / Preset.Rows;

    public double KtcSigmaVolts => KtcNoiseVolts(_config.TemperatureKelvin, PlateCapacitanceFarad + _config.ParasiticCapacitanceFarad, capacitors: 2);

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols;
        var core = new LinearCore(rows, cols);
        var q = _bits.MaxMagnitude;
        var unitsPerPlate = new double[cols];
        var driven = new double[rows * cols];
        for (var k = 0; k < rows * cols; k++)
        {
            double cap = 0, all = 0;
            for (var b = 0; b < _bits.Bits - 1; b++)
            {
                // A 2^b-unit capacitor averages 2^b unit mismatches, so its relative error shrinks as 1/√(2^b).
                var units = (double)(1 << b);
                var strength = units * (1 + ((tile.Mismatch[b + 1][k] - 1) / Math.Sqrt(units)));
                all += strength;
                cap += states[b + 1][k] >= 0.5f ? strength : 0;
            }

            driven[k] = states[0][k] >= 0.5f ? -cap : cap;
            unitsPerPlate[k % cols] += all;
        }

        var parasiticUnits = _config.ParasiticCapacitanceFarad / Device.FullScale;
        for (var k = 0; k < rows * cols; k++)
        {
            // Output in MAC units: ΔV/OutputPerUnit = Σ C_driven x · rows / (C_total + C_p), C in unit capacitors.
            core.Weights[k] = (float)(driven[k] * rows / (unitsPerPlate[k % cols] + parasiticUnits));
        }

        // Nominal plate: rows·Q units; Weight = cap·rows/(rows·Q) = cap/Q = w when ideal.
        if (_config.KtcNoise)
        {
            core.OutputNoiseSigma = (float)(KtcSigmaVolts / OutputPerUnit);
        }

        return core;
    }

    /// <remarks>The plate's largest step is ΔV itself, with every capacitor of every cell driven (|x·w| = 1 on all
    /// rows): rows MAC. The nominal plate is the design's range; a parasitic only attenuates below it.</remarks>
    public override void CheckRanges(Adc adc)
    {
        var rows = Preset.Rows;
        if (UnreachableTopMac(adc, rows) is { } top)
        {
            throw new AimcException(
                $"capacitive_division: the ADC's top code is {top:g4} MAC = {top * OutputPerUnit:g4} V (adc.range_mac {adc.FullScale:g4}), above drive_volts {_config.DriveVolts:g4} V ({rows} MAC), " +
                $"the largest step the top plate of {rows} rows reaches with every capacitor driven: its top codes are unreachable; lower adc.range_mac to at most {rows}");
        }
    }

    public override IEnumerable<NonIdeality> Describe() =>
    [
        Effect("parasitic_capacitance", _config.ParasiticCapacitanceFarad > 0, _config.ParasiticCapacitanceFarad, "F", "top-plate parasitic: attenuates the output by C/(C + C_p)"),
        CapacitorMismatch(),
        Effect("ktc_noise", _config.KtcNoise, KtcSigmaVolts, "V", "kT/C noise of the two floating plates"),
    ];
}
