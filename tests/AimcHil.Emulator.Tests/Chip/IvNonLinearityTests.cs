using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>The device I–V curve I = G·V·(1 + a₂|V| + a₃V²) in volts across the device, as each conductance domain
/// applies it: on the word-line voltage (current), as one gain at ±V_read (charge, pulse widths), and in the floating
/// node's equation (resistive division).</summary>
/// <remarks>Every other non-ideality is off, and outputs are read before the ADC (<see cref="EmulatedChip.MvmAnalog"/>),
/// so each expectation is the closed form up to single precision (outputs of a few MAC, float ulp ~1e-6).</remarks>
public class IvNonLinearityTests
{
    private const double FloatTolerance = 1e-5;

    /// <summary>An ideal RRAM chip (analog levels from 0 to g_max, so a weight w is exactly G⁺ = w·g_max or
    /// G⁻ = −w·g_max) with only the I–V curve on.</summary>
    private static ChipPreset Chip(ComputationDomain domain, int rows, int cols, double readVolts, double a2PerVolt, double a3PerVoltSquared, bool readNoise = false) =>
        TestBench.Preset(domain, rows, cols).Ideal() with
        {
            Device = DeviceTechnology.Rram,
            Adc = new AdcConfig { Bits = 16, RangeMac = rows },
            Rram = new RramConfig().Ideal() with
            {
                IvNonLinearity = true,
                IvA2PerVolt = a2PerVolt,
                IvA3PerVoltSquared = a3PerVoltSquared,
                ReadNoise = readNoise,
            },
            Current = new CurrentDomainConfig { ReadVolts = readVolts },
            Charge = new ChargeDomainConfig { ReadVolts = readVolts }.Ideal(),
            ResistiveDivision = new ResistiveDivisionConfig { ReadVolts = readVolts },
        };

    private static Grid<float> Analog(ChipPreset preset, Grid<float> w, Grid<int> x, ulong seed = 1)
    {
        using var chip = new EmulatedChip(preset, seed);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        return chip.MvmAnalog(0, x).Mac;
    }

    [Fact]
    public void TheCurveTakesVolts()
    {
        // a2 = 0.25 /V, a3 = 2.5 /V² at 0.2 V: 1 + 0.05 + 0.1 = 1.15; at −0.5 V: 1 + 0.125 + 0.625 = 1.75.
        var curve = new IvNonLinearity(0.25, 2.5);

        Assert.Equal(1.15, curve.Gain(0.2), 12);
        Assert.Equal(0.2 * 1.15, curve.CurrentPerSiemens(0.2), 12);
        Assert.Equal(-0.5 * 1.75, curve.CurrentPerSiemens(-0.5), 12);

        // dI/dV = 1 + 2·a2·|V| + 3·a3·V² at 0.5 V: 1 + 0.25 + 1.875.
        Assert.Equal(3.125, curve.SlopePerSiemens(-0.5), 12);

        // Half of a 0.5 V read voltage is 0.25 V: I/(G·V_read) = 0.5·(1 + 0.0625 + 0.15625).
        Assert.Equal(0.5 * 1.21875, curve.AtFraction(0.5, 0.5), 12);
        Assert.Equal(1 + 0.125 + 0.46875, curve.SlopeAtFraction(0.5, 0.5), 12);
    }

    [Fact]
    public void CurrentDomainBendsWithTheVoltageAcrossTheDeviceNotWithTheInputFraction()
    {
        // 8 rows of weight 1 (G⁺ = g_max, G⁻ = 0), a2 = 0.25 /V, a3 = 2.5 /V². Word line at x carries V = x·V_read, so
        // a column outputs 8·x·(1 + a2·V_read·|x| + a3·V_read²·x²) MAC.
        var w = TestBench.ConstantWeights(8, 2, 1f);
        var x = new Grid<int>(2, 8);
        for (var i = 0; i < 8; i++)
        {
            x[0, i] = 127;
            x[1, i] = -64;
        }

        foreach (var readVolts in new[] { 0.2, 0.5 })
        {
            var mac = Analog(Chip(ComputationDomain.Current, 8, 2, readVolts, 0.25, 2.5), w, x);
            foreach (var (sample, fraction) in new[] { (0, 1.0), (1, -64.0 / 127) })
            {
                var volts = fraction * readVolts;
                var expected = 8 * fraction * (1 + (0.25 * Math.Abs(volts)) + (2.5 * volts * volts));
                Assert.Equal(expected, mac[sample, 0], FloatTolerance);
                Assert.Equal(expected, mac[sample, 1], FloatTolerance);
            }
        }

        // Spelled out at full scale: 8·1.15 = 9.2 MAC at 0.2 V, 8·(1 + 0.125 + 0.625) = 14 MAC at 0.5 V.
        Assert.Equal(9.2, Analog(Chip(ComputationDomain.Current, 8, 2, 0.2, 0.25, 2.5), w, x)[0, 0], FloatTolerance);
        Assert.Equal(14.0, Analog(Chip(ComputationDomain.Current, 8, 2, 0.5, 0.25, 2.5), w, x)[0, 0], FloatTolerance);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChargeDomainScalesEveryCurrentByTheCurveAtTheReadVoltage(bool readNoise)
    {
        // A pulse holds its devices at ±V_read = ±0.5 V for t = |x|·T0: every current carries 1 + a2·0.5 + a3·0.25,
        // with a2 = 0.2 /V and a3 = 0.4 /V²: 1 + 0.1 + 0.1 = 1.2. With read noise on, the same seed draws the same
        // noise, whose gains scale by the same 1.2, so the outputs still differ by exactly that factor.
        const int rows = 16, cols = 4;
        var w = TestBench.RandomWeights(rows, cols, 5);
        var x = TestBench.RandomInputs(6, rows, 127, 6);

        var linear = Analog(Chip(ComputationDomain.Charge, rows, cols, 0.5, 0, 0, readNoise), w, x, seed: 3);
        var bent = Analog(Chip(ComputationDomain.Charge, rows, cols, 0.5, 0.2, 0.4, readNoise), w, x, seed: 3);

        Assert.Contains(linear.Data, v => Math.Abs(v) > 1);
        for (var k = 0; k < linear.Data.Length; k++)
        {
            Assert.Equal(1.2 * linear.Data[k], bent.Data[k], FloatTolerance);
        }
    }

    [Fact]
    public void ResistiveDivisionNodeSolvesTheHandSolvedCubic()
    {
        // One column of two rows, weights (0.5, 1): G⁺ = (0.5, 1)·g_max, G⁻ = 0. Balanced loads bring each bit line to
        // 2·g_max: G_L⁺ = 0.5·g_max, G_L⁻ = 2·g_max. Inputs x = (1, 0) at V_read = 0.5 V: V = (0.5 V, 0 V).
        // Curve a2 = 1 /V, a3 = 4 /V². The G⁻ line carries no current but its load's: V⁻ = 0.
        // The G⁺ node at V_out = 1/6 V (1/3 of V_read):
        //   device 1 at 0.5 − 1/6 = 1/3 V: current 0.5·g·(1/3)(1 + 1/3 + 4/9) = 0.5·g·(1/3)(16/9) = g·8/27 V
        //   device 2 at 0 − 1/6 = −1/6 V: current g·(−1/6)(1 + 1/6 + 4/36) = g·(−1/6)(23/18) = −g·23/108 V
        //   load: 0.5·g·(0 − 1/6) = −g·9/108 V
        //   sum: g·(32 − 23 − 9)/108 = 0, so V_out = 1/6 V (unique: the sum falls monotonically in V_out).
        // Output (V⁺ − V⁻)/OutputPerUnit with OutputPerUnit = V_read·span/rows = 0.25 V: 2/3 MAC, where the linear divider
        // gives (0.5·0.5 V)/(2·g)/0.25 V = 1/2 MAC = Σ w x.
        var w = new Grid<float>(2, 1);
        w[0, 0] = 0.5f;
        w[1, 0] = 1f;
        var x = new Grid<int>(1, 2);
        x[0, 0] = 127;

        var bent = Analog(Chip(ComputationDomain.ResistiveDivision, 2, 1, 0.5, 1, 4), w, x);
        var linear = Analog(Chip(ComputationDomain.ResistiveDivision, 2, 1, 0.5, 0, 0), w, x);

        Assert.Equal(2.0 / 3, bent[0, 0], FloatTolerance);
        Assert.Equal(0.5, linear[0, 0], FloatTolerance);
    }

    [Fact]
    public void ResistiveDivisionColumnsEachSolveTheirOwnNodeWithUndrivenRowsAtZeroVolts()
    {
        // 16 × 4 random weights, 12 of the 16 rows driven (the other 4 sit at 0 V and still load the node), balanced
        // loads, V_read = 0.5 V, a2 = 0.5 /V, a3 = 2 /V². The test solves each bit line's node equation
        // Σᵢ gᵢ·h(xᵢ − u) − g_L·u = 0 (units of g_max and V_read, h(d) = d(1 + 0.25|d| + 0.5d²)) by bisection to
        // 1e-13 of V_read, far below the single precision of the output (~1e-7 relative).
        const int rows = 16, cols = 4, driven = 12;
        var preset = Chip(ComputationDomain.ResistiveDivision, rows, cols, 0.5, 0.5, 2);
        var w = TestBench.RandomWeights(rows, cols, 21);
        var x = TestBench.RandomInputs(5, driven, 127, 22);
        using var chip = new EmulatedChip(preset, 1);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        var states = chip.ReadBack(0);
        var mac = chip.MvmAnalog(0, x).Mac;

        static double H(double d) => d * (1 + (0.25 * Math.Abs(d)) + (0.5 * d * d));
        for (var s = 0; s < 5; s++)
        {
            var fraction = Enumerable.Range(0, rows).Select(i => i < driven ? x[s, i] / 127.0 : 0).ToArray();
            for (var j = 0; j < cols; j++)
            {
                var node = new double[2];
                for (var a = 0; a < 2; a++)
                {
                    // Ideal devices hold their targets exactly, so the trimmed load is rows − Σ states.
                    var g = Enumerable.Range(0, rows).Select(i => (double)states.Arrays[a].States[i, j]).ToArray();
                    var load = rows - g.Sum();
                    double Residual(double u) => g.Select((gi, i) => gi * H(fraction[i] - u)).Sum() - (load * u);
                    double lo = -1, hi = 1;
                    while (hi - lo > 1e-13)
                    {
                        var mid = 0.5 * (lo + hi);
                        (lo, hi) = Residual(mid) > 0 ? (mid, hi) : (lo, mid);
                    }

                    node[a] = 0.5 * (lo + hi);
                }

                // MAC = (u⁺ − u⁻)·rows/span, span = 1 for an ideal device.
                Assert.Equal((node[0] - node[1]) * rows, mac[s, j], FloatTolerance);
            }
        }
    }

    [Fact]
    public void DividerCoreWithALinearCurveIsTheLinearDividerHeldNoiseIncluded()
    {
        // The same random column conductances and loads as a non-linear core with a2 = a3 = 0 and as the linear core
        // with weights (g⁺/total⁺ − g⁻/total⁻)·rows: both must agree to single precision, with 10 of 16 rows driven
        // and the same held read noise added.
        const int rows = 16, cols = 3, batch = 4, driven = 10;
        var rng = SeededRandom.For(7, "divider");
        var divider = new NonLinearDividerCore(rows, cols, default, 0.2, rows);
        var linear = new LinearCore(rows, cols);
        for (var j = 0; j < cols; j++)
        {
            var total = new double[2];
            for (var a = 0; a < 2; a++)
            {
                for (var i = 0; i < rows; i++)
                {
                    divider.Conductance[a][(j * rows) + i] = rng.NextDouble();
                    total[a] += divider.Conductance[a][(j * rows) + i];
                }

                divider.Load[a][j] = rng.NextDouble() * 4;
                total[a] += divider.Load[a][j];
            }

            for (var i = 0; i < rows; i++)
            {
                var weight = (float)(((divider.Conductance[0][(j * rows) + i] / total[0]) - (divider.Conductance[1][(j * rows) + i] / total[1])) * rows);
                divider.Weights[(i * cols) + j] = weight;
                linear.Weights[(i * cols) + j] = weight;
            }
        }

        var slow = new float[rows * cols];
        rng.FillUniform(slow, -0.01f, 0.01f);
        divider.SlowNoise = slow;
        linear.SlowNoise = slow;
        var features = new float[batch * driven];
        rng.FillUniform(features, -1f, 1f);

        var expected = new float[batch * cols];
        var measured = new float[batch * cols];
        linear.Evaluate(features, batch, driven, expected, new SeededRandom(1));
        divider.Evaluate(features, batch, driven, measured, new SeededRandom(1));

        Assert.Contains(expected, v => Math.Abs(v) > 0.5);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], measured[k], FloatTolerance);
        }
    }

    [Fact]
    public void TheDeviceDescribesTheCurveInVolts()
    {
        var described = new RramDevice(new RramConfig { IvA2PerVolt = 0, IvA3PerVoltSquared = 2.5 }).Describe().Single(n => n.Name == "iv_nonlinearity");
        Assert.True(described.Enabled);
        Assert.Equal(2.5, described.Value);
        Assert.Equal("1/V^2", described.Unit);
        Assert.Equal("I = G·V·(1 + a2·|V| + a3·V²), V across the device in volts, a2 = 0 /V, a3 = 2.5 /V²", described.Description);
    }

    [Fact]
    public void ADomainThatAppliesNoCurveRefusesOne()
    {
        // RRAM as the delay element of a time-domain chain: nothing there conducts at a read voltage, so a curve that
        // aimc info would list as on could change nothing.
        var preset = TestBench.Preset(ComputationDomain.TimeDomain, 8, 4).Ideal() with
        {
            Device = DeviceTechnology.Rram,
            Rram = new RramConfig().Ideal() with { IvNonLinearity = true, IvA3PerVoltSquared = 2.5 },
        };

        var error = Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1));
        Assert.Equal(
            "the time_domain domain does not apply a device I–V curve (its cells switch or delay rather than conduct at a read voltage): set iv_non_linearity: false in the rram section",
            error.Message);

        using var linear = new EmulatedChip(preset with { Rram = preset.Rram with { IvNonLinearity = false } }, 1);
        Assert.DoesNotContain(linear.Info.NonIdealities, n => n.Name == "iv_nonlinearity" && n.Enabled);
    }
}
