using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;

namespace AimcHil.Emulator.Domains;

/// <summary>Resistive division: each bit line floats, so KCL gives V_j = Σᵢ G_ij V_i / Σᵢ G_ij, a conductance-weighted
/// average. A load to 0 V trimmed from the targets brings every column's total to rows·g_max, making the pair's
/// difference (V⁺ − V⁻) = Σᵢ (G⁺ − G⁻) V_i / (rows·g_max); programming errors change the total and show as gain error.</summary>
/// <remarks>With a non-linear device I–V curve the node solves Σᵢ G_ij·f(V_i − V_j) − G_load·V_j = 0 per column and input
/// vector (<see cref="NonLinearDividerCore"/>). Wire resistance is refused: with floating bit lines the wires form a
/// network the IR-drop solver does not cover.</remarks>
public sealed class ResistiveDivisionDomain : DomainPhysics
{
    private readonly ResistiveDivisionConfig _config;
    private readonly DifferentialPairEncoding _pair;

    public ResistiveDivisionDomain(ChipPreset preset, IDeviceModel device)
        : base(preset, device, new DifferentialPairEncoding(device))
    {
        _config = preset.ResistiveDivision ?? new ResistiveDivisionConfig();
        _pair = (DifferentialPairEncoding)Encoding;
        if (!preset.Wires.IsIdeal)
        {
            throw new AimcException(
                $"wires.word_segment_ohm = {preset.Wires.WordSegmentOhm:g4} ohm, wires.bit_segment_ohm = {preset.Wires.BitSegmentOhm:g4} ohm: " +
                "the resistive_division domain cannot emulate wire resistance: its bit lines float instead of sitting at virtual ground, " +
                "so the wires form a different network from the IR-drop network the emulator solves; set both to 0");
        }
    }

    public override ComputationDomain Domain => ComputationDomain.ResistiveDivision;

    protected override bool AppliesIvNonLinearity => true;

    public override string InputUnit => "V";

    public override double InputFullScale => _config.ReadVolts;

    public override string OutputUnit => "V";

    public override double OutputPerUnit => _config.ReadVolts * _pair.Span / Preset.Rows;

    /// <summary>The floating node's voltage: Σ G V / Σ G (the closed form every build follows).</summary>
    public static double DividerVoltage(ReadOnlySpan<double> conductanceSiemens, ReadOnlySpan<double> volts)
    {
        double num = 0, den = 0;
        for (var i = 0; i < conductanceSiemens.Length; i++)
        {
            num += conductanceSiemens[i] * volts[i];
            den += conductanceSiemens[i];
        }

        return den == 0 ? 0 : num / den;
    }

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols;

        // Output in MAC units: (V⁺ − V⁻) / OutputPerUnit, with V in units of the read voltage.
        var unit = rows / (double)_pair.Span;
        var curve = Device.NonLinearity;
        var divider = curve.IsLinear ? null : new NonLinearDividerCore(rows, cols, curve, _config.ReadVolts, unit);
        var core = divider ?? new LinearCore(rows, cols);
        var gains = new[] { new float[rows * cols], new float[rows * cols] };
        for (var j = 0; j < cols; j++)
        {
            // Normalized totals: the devices' own sum plus the trimmed load (which assumes targets were reached).
            double totalPlus = 0, totalMinus = 0, loadPlus = 0, loadMinus = 0;
            for (var i = 0; i < rows; i++)
            {
                var k = (i * cols) + j;
                totalPlus += states[0][k] * tile.Mismatch[0][k];
                totalMinus += states[1][k] * tile.Mismatch[1][k];
                loadPlus += tile.Targets[0][k];
                loadMinus += tile.Targets[1][k];
            }

            // The loads themselves: rows·g_max less the targets' sum when balanced, none otherwise.
            loadPlus = _config.BalanceLoads ? rows - loadPlus : 0;
            loadMinus = _config.BalanceLoads ? rows - loadMinus : 0;
            totalPlus += loadPlus;
            totalMinus += loadMinus;

            // Small-signal (linear) weights: the divider's exact transfer for linear devices, and what a non-linear
            // divider reduces to for small inputs; drift compensation's reference read uses them.
            for (var i = 0; i < rows; i++)
            {
                var k = (i * cols) + j;
                var plus = totalPlus == 0 ? 0 : states[0][k] * tile.Mismatch[0][k] / totalPlus;
                var minus = totalMinus == 0 ? 0 : states[1][k] * tile.Mismatch[1][k] / totalMinus;
                core.Weights[k] = (float)((plus - minus) * unit);
                gains[0][k] = totalPlus == 0 ? 0 : (float)(tile.Mismatch[0][k] * unit / totalPlus);
                gains[1][k] = totalMinus == 0 ? 0 : (float)(tile.Mismatch[1][k] * unit / totalMinus);
            }

            if (divider is not null)
            {
                for (var i = 0; i < rows; i++)
                {
                    var k = (i * cols) + j;
                    divider.Conductance[0][(j * rows) + i] = states[0][k] * tile.Mismatch[0][k];
                    divider.Conductance[1][(j * rows) + i] = states[1][k] * tile.Mismatch[1][k];
                }

                divider.Load[0][j] = loadPlus;
                divider.Load[1][j] = loadMinus;
            }
        }

        core.ReadNoiseGains = gains;
        return core;
    }

    public override IEnumerable<NonIdeality> Describe() =>
    [
        Effect("unbalanced_divider", !_config.BalanceLoads, 0, "", "no trimmed load: output is Σ G V / Σ G with a weight-dependent denominator"),
    ];
}
