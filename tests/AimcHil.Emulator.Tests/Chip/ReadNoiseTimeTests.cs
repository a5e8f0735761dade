using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>PCM read noise in time: 1/f noise that repeated reads cannot average away, and verify reads that see the
/// noise of the moment they happen at (one pulse time after the pulse), not of an inference read t0 later.</summary>
public class ReadNoiseTimeTests
{
    private const double Hour = 3600;

    private static ChipPreset Pcm(PcmConfig pcm, int rows = 64, int cols = 64) =>
        TestBench.Preset(ComputationDomain.Current, rows, cols).Ideal() with
        {
            Pcm = pcm,
            Adc = new AdcConfig { Bits = 16, RangeMac = 64 },
        };

    /// <summary>σ of one read of a device at state g, programmed to g, t after its pulse (aihwkit's formula).</summary>
    private static double Sigma(double g, double t) =>
        g * (0.0088 / Math.Pow(g, 0.65)) * Math.Sqrt(Math.Log((t + 250e-9) / 500e-9));

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(256)]
    public void TheMeanOfManyReadsAtOneTimeKeepsThePerDeviceSpread(int reads)
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true)), 5);
        chip.Program(0, TestBench.ConstantWeights(64, 64, 0.5f), WriteVerifyOptions.SinglePulse);
        chip.Clock.Advance(Hour);

        var sums = new double[64 * 64];
        for (var r = 0; r < reads; r++)
        {
            var plus = chip.ReadBack(0).Arrays[0].States.Data;
            for (var k = 0; k < sums.Length; k++)
            {
                sums[k] += plus[k];
            }
        }

        // G⁺ sits at 0.5; read 1 h + t0 after programming. Only the octaves faster than one read (1 µs), ln 2 of the
        // band ln((3620 s + t_read)/(2 t_read)) = 22.7, renew between reads: the mean of K reads keeps
        // σ·sqrt(1 − f + f/K), f = 0.0305 (0.985 σ for K = 256, where independent draws would give σ/16).
        var t = Hour + 20;
        var white = Math.Log(2) / Math.Log((t + 250e-9) / 500e-9);
        var expected = Sigma(0.5, t) * Math.Sqrt(1 - white + (white / reads));
        var spread = TestBench.MeanStd(sums.Select(s => (s / reads) - 0.5).ToArray()).Std;

        // 4096 devices: the spread is known to about 1.1 % (1/sqrt(2·4096)); 3.5 % is three of those.
        Assert.InRange(spread / expected, 0.965, 1.035);
        Assert.InRange(expected / Sigma(0.5, t), 0.98, 1.0);
    }

    [Fact]
    public void RepeatedMvmsShareTheHeldNoiseAndDifferByTheWhitePart()
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true), 64, 256), 5);
        chip.Program(0, TestBench.ConstantWeights(64, 256, 0.5f), WriteVerifyOptions.SinglePulse);
        chip.Clock.Advance(Hour);

        // 1000 repeats of x = 100/127 in one batch: 1 ms, far less than the 1 % of 1 h that renews the held draw.
        const int repeats = 1000;
        var x = 100.0 / 127;
        var mac = chip.Mvm(0, TestBench.ConstantInputs(repeats, 64, 100)).ToMac();
        var exact = 64 * 0.5 * x;

        var t = Hour + 20;
        var white = Math.Log(2) / Math.Log((t + 250e-9) / 500e-9);
        var columnVariance = 64 * Sigma(0.5, t) * Sigma(0.5, t) * x * x;
        var withinColumn = new List<double>();
        var columnMeans = new List<double>();
        for (var j = 0; j < 256; j++)
        {
            var (mean, std) = TestBench.MeanStd(Enumerable.Range(0, repeats).Select(s => (double)mac[s, j]).ToArray());
            withinColumn.Add(std);
            columnMeans.Add(mean - exact);
        }

        // Between repeats only the white part moves: sqrt(f·Σ σ² x²).
        Assert.InRange(withinColumn.Average() / Math.Sqrt(white * columnVariance), 0.95, 1.05);

        // The column means carry the held part, sqrt((1 − f)·Σ σ² x²), drawn once per device: 256 columns know their
        // spread to about 4.4 %; 12 % is under three of those.
        var heldSpread = Math.Sqrt(columnMeans.Sum(m => m * m) / columnMeans.Count);
        Assert.InRange(heldSpread / Math.Sqrt((1 - white) * columnVariance), 0.88, 1.12);
    }

    [Fact]
    public void TheHeldNoiseRenewsAsTimePasses()
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true)), 5);
        chip.Program(0, TestBench.ConstantWeights(64, 64, 0.5f), WriteVerifyOptions.SinglePulse);
        chip.Clock.Advance(Hour);
        var first = chip.ReadBack(0).Arrays[0].States.Data.Select(v => v - 0.5).ToArray();
        chip.Clock.Advance(Hour + 20);
        var later = chip.ReadBack(0).Arrays[0].States.Data.Select(v => v - 0.5).ToArray();

        // Doubling the time since the pulse (3620 s to 7240 s) leaves no octave shared: the two reads are
        // uncorrelated, up to the 1/sqrt(4096) = 0.016 sampling error of a correlation.
        var device = new PcmDevice();
        Assert.Equal(0, device.ReadNoiseCorrelation(Hour + 20, (2 * Hour) + 40, 1e-6), 6);
        Assert.InRange(Correlation(first, later), -0.05, 0.05);

        // A read at the same moment shares the held part and renews the white one: correlation 1 − f = 0.97.
        var next = chip.ReadBack(0).Arrays[0].States.Data.Select(v => v - 0.5).ToArray();
        Assert.InRange(Correlation(later, next), 0.95, 1.0);
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var k = 0; k < a.Length; k++)
        {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }

        return ab / Math.Sqrt(aa * bb);
    }

    [Fact]
    public void VerifyReadsSeeTheNoiseOfOnePulseTimeAfterThePulse()
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true)), 5);
        var report = chip.Program(0, TestBench.ConstantWeights(64, 64, 0.5f), WriteVerifyOptions.Default);

        // Programming is exact here, so the last verify read differs from 0.5 by read noise alone, read 1 µs after
        // the pulse: σ = 0.5·Q_s(0.5)·sqrt(ln(1.25 µs/0.5 µs)) = 0.0066, not the 0.0289 of a read t0 = 20 s later.
        var sigma = Sigma(0.5, 1e-6);
        Assert.Equal(0.0066, sigma, 4);
        var spread = TestBench.MeanStd(report.Achieved!.Data.Select(v => (double)v - 0.5).ToArray()).Std;
        Assert.InRange(spread / sigma, 0.95, 1.05);

        // 2 % tolerance is 3σ: about 0.27 % of devices need a second pulse, none runs out of its 20.
        Assert.Empty(report.Unconverged);
        Assert.InRange(report.TotalPulses, 2 * 4096, (2 * 4096) + 40);
    }

    [Fact]
    public void WriteVerifyOnTheBenchPresetMissesOnlyStuckDevices()
    {
        // The pcm-current-256 device model (programming and read noise, 0.1 % stuck off) on a 64 × 64 tile.
        var pcm = new PcmConfig { Drift = false, StuckOffFraction = 0.01 };
        using var chip = new EmulatedChip(Pcm(pcm), 5);
        var w = TestBench.RandomWeights(64, 64, 2);
        var report = chip.Program(0, w, WriteVerifyOptions.Default);

        // A stuck-off device cannot reach a target above the 2 % tolerance; every other device converges well
        // inside its 20 pulses (one pulse lands within tolerance with probability ≥ 0.35 for σ_prog ≤ 0.05).
        var stuck = chip.StuckDevices(0);
        Assert.NotEmpty(report.Unconverged);
        foreach (var cell in report.Unconverged)
        {
            Assert.True(stuck.Contains((cell.Row, cell.Col)), $"weight ({cell.Row}, {cell.Col}) missed without a stuck device");
        }

        Assert.InRange(report.TotalPulses / (2.0 * 4096), 1.5, 4.0);
    }
}
