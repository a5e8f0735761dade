using System.Runtime.Intrinsics;

namespace AimcHil.Numerics.Tests;

public class NormalBlockGeneratorTests
{
    private const int Large = 2_000_000;

    // Largest radius the 24-bit uniforms allow: sqrt(−2 ln 2^−24).
    private static readonly double MaxRadius = Math.Sqrt(48 * Math.Log(2));

    [Fact]
    public void StreamForSeed42IsPinned()
    {
        // Bit patterns recorded from this implementation; if they change, every noise realisation recorded so far
        // stops being reproducible. The independent scalar reference must agree with them to 1e-5.
        uint[] golden = [0x3E0DAB1C, 0xBFD15D69, 0x3C97D3C3, 0x3F441D29, 0xBF579BE7, 0xBEE514EF, 0x3F2FB251, 0xBE9B0BB6];
        var samples = new float[8];
        new NormalBlockGenerator(42).Fill(samples);
        var reference = new double[8];
        NormalBlockGenerator.ReferenceFill(42, reference);

        for (var i = 0; i < golden.Length; i++)
        {
            Assert.Equal(golden[i], BitConverter.SingleToUInt32Bits(samples[i]));
            Assert.True(Math.Abs(samples[i] - reference[i]) <= 1e-5, $"sample {i}: {samples[i]} vs reference {reference[i]}");
        }
    }

    [Fact]
    public void SameSeedGivesTheSameStream()
    {
        var generator = new NormalBlockGenerator(1234);

        Assert.Equal(1234UL, generator.Seed);
        Assert.Equal(Draw(1234, 10_000), Draw(1234, 10_000));
    }

    [Fact]
    public void DifferentAndNearbySeedsGiveUnrelatedStreams()
    {
        Assert.NotEqual(Draw(1, 64), Draw(2, 64));
        Assert.NotEqual(Draw(0, 64), Draw(1, 64));

        // Neighbouring seeds must not give correlated streams (SplitMix64 seeding decorrelates them).
        const int n = 100_000;
        var a = Draw(42, n);
        var b = Draw(43, n);
        Assert.True(Math.Abs(Correlation(a, b, 0)) < 0.015, $"seed 42 vs 43: r = {Correlation(a, b, 0)}");
    }

    /// <summary>Skipping is drawing and discarding: fills between skips of every length around the block and the
    /// carry-over read the same samples as one fill.</summary>
    [Theory]
    [InlineData(new[] { 0, 3, 5, 8 })]
    [InlineData(new[] { 16, 1, 15, 2, 33, 7 })]
    [InlineData(new[] { 3, 13, 248, 8, 0, 0, 17, 31 })]
    [InlineData(new[] { 1, 1, 100, 10, 1000, 25 })]
    public void SkipsAndFillsReadTheStreamOfOneFill(int[] skipThenFill)
    {
        var whole = Draw(91, skipThenFill.Sum() + 5);
        var generator = new NormalBlockGenerator(91);
        var offset = 0;
        for (var k = 0; k < skipThenFill.Length; k += 2)
        {
            generator.Skip(skipThenFill[k]);
            offset += skipThenFill[k];
            var piece = new float[skipThenFill[k + 1]];
            generator.Fill(piece);
            Assert.Equal(whole.AsSpan(offset, piece.Length).ToArray(), piece);
            offset += piece.Length;
        }

        var tail = new float[5];
        generator.Fill(tail);
        Assert.Equal(whole.AsSpan(offset, 5).ToArray(), tail);
    }

    /// <summary>Columns of a grid of the stream are that grid's columns, whether rows start on a block (the one-loop
    /// path) or not (a stride off the block, or a carry-over left by an earlier fill), and the stream goes on after it.</summary>
    [Theory]
    [InlineData(0, 256, 0, 8)]
    [InlineData(0, 256, 0, 16)]
    [InlineData(0, 256, 5, 30)]
    [InlineData(0, 256, 240, 16)]
    [InlineData(0, 48, 47, 1)]
    [InlineData(3, 256, 0, 10)]
    [InlineData(0, 40, 3, 10)]
    [InlineData(16, 32, 0, 32)]
    public void ColumnsOfAGridAreThoseOfOneFill(int before, int stride, int first, int count)
    {
        const int Rows = 37;
        var whole = Draw(93, before + (Rows * stride) + 5);
        var generator = new NormalBlockGenerator(93);
        generator.Fill(new float[before]);
        var columns = new float[Rows * count];
        generator.FillColumns(columns, Rows, stride, first, count);
        for (var r = 0; r < Rows; r++)
        {
            Assert.Equal(whole.AsSpan(before + (r * stride) + first, count).ToArray(), columns.AsSpan(r * count, count).ToArray());
        }

        var tail = new float[5];
        generator.Fill(tail);
        Assert.Equal(whole.AsSpan(before + (Rows * stride), 5).ToArray(), tail);
    }

    [Theory]
    [InlineData(new[] { 3, 997 })]
    [InlineData(new[] { 1, 7, 8, 9, 16, 17 })]
    [InlineData(new[] { 15, 1, 16, 0, 33, 2, 5 })]
    [InlineData(new[] { 16, 16, 1, 15, 64 })]
    public void SplitFillsContinueTheStreamOfOneFill(int[] lengths)
    {
        var whole = Draw(77, lengths.Sum());
        var generator = new NormalBlockGenerator(77);
        var pieces = new float[whole.Length];
        var offset = 0;
        foreach (var length in lengths)
        {
            generator.Fill(pieces.AsSpan(offset, length));
            offset += length;
        }

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void MomentsAreThoseOfAStandardNormal()
    {
        var z = Draw(2024, Large);
        var mean = z.Average(x => (double)x);
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (var x in z)
        {
            var d = x - mean;
            var d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }

        m2 /= z.Length;
        m3 /= z.Length;
        m4 /= z.Length;
        var skewness = m3 / Math.Pow(m2, 1.5);
        var kurtosis = m4 / (m2 * m2);

        // Tolerances are 4–6 standard errors at n = 2e6 (σ of mean, variance, skewness, kurtosis: 7e-4, 1e-3,
        // 1.7e-3, 3.5e-3).
        Assert.True(Math.Abs(mean) < 0.003, $"mean {mean}");
        Assert.True(Math.Abs(m2 - 1) < 0.005, $"variance {m2}");
        Assert.True(Math.Abs(skewness) < 0.01, $"skewness {skewness}");
        Assert.True(Math.Abs(kurtosis - 3) < 0.02, $"kurtosis {kurtosis}");
    }

    [Fact]
    public void KolmogorovSmirnovDistanceToTheNormalCdfIsSmall()
    {
        // The CDF helper itself, against tabulated values.
        Assert.Equal(0.5, NormalCdf(0), 12);
        Assert.Equal(0.841344746068542948, NormalCdf(1), 12);
        Assert.Equal(0.0249978951482204, NormalCdf(-1.96), 12);
        Assert.Equal(0.998650101968369897, NormalCdf(3), 12);
        Assert.Equal(2.866515718791939e-7, NormalCdf(-5), 12);

        const int n = 100_000;
        var z = Draw(99, n);
        Array.Sort(z);
        double distance = 0;
        for (var i = 0; i < n; i++)
        {
            var f = NormalCdf(z[i]);
            distance = Math.Max(distance, Math.Max(f - ((double)i / n), ((i + 1.0) / n) - f));
        }

        // 1.63/sqrt(n) is the 1% critical value of the KS statistic.
        Assert.True(distance < 1.63 / Math.Sqrt(n), $"KS distance {distance}");
    }

    [Fact]
    public void TailsBeyondThreeSigmaHaveTheNormalMassAndNothingBeyondTheCutoff()
    {
        var z = Draw(7, Large);
        var beyond = z.Count(x => Math.Abs(x) > 3) / (double)z.Length;
        var largest = z.Max(x => Math.Abs(x));

        // P(|z| > 3) = 0.0026998; the standard error at n = 2e6 is 3.7e-5.
        Assert.True(Math.Abs(beyond - 0.0026998) < 0.0002, $"fraction beyond 3σ {beyond}");
        Assert.True(largest <= MaxRadius + 1e-5, $"largest |z| {largest}");
        Assert.True(largest > 4.5, $"largest |z| {largest}");
    }

    [Fact]
    public void StreamMatchesTheDoublePrecisionReferenceWithin1e5()
    {
        const int n = 1_000_000;
        var samples = Draw(31337, n);
        var reference = new double[n];
        NormalBlockGenerator.ReferenceFill(31337, reference);

        double worst = 0;
        for (var i = 0; i < n; i++)
        {
            worst = Math.Max(worst, Math.Abs(samples[i] - reference[i]));
        }

        Assert.True(worst <= 1e-5, $"largest deviation from the double-precision reference {worst}");
    }

    [Fact]
    public void TransformIsAccurateAtTheEdgesOfBothUniforms()
    {
        // Radii: the smallest u1 (largest radius), u1 around the √½ split of the logarithm, and u1 just below 1,
        // where the square root magnifies any error of the logarithm. Angles: both sides of every octant boundary.
        const int top = (1 << 24) - 1;
        int[] radii = [0, 1, 2, 61, 62, (1 << 23) - 1, 1 << 23, 11_863_282, 11_863_283, 11_863_284, top - 2, top - 1, top];
        var angles = new List<int> { 0, 1, top - 1, top };
        for (var octant = 1; octant < 8; octant++)
        {
            angles.AddRange([(octant << 21) - 1, octant << 21, (octant << 21) + 1]);
        }

        var pairs = radii.SelectMany(r => angles.Select(a => (R: r, A: a))).ToList();
        while (pairs.Count % 8 != 0)
        {
            pairs.Add(pairs[0]);
        }

        for (var start = 0; start < pairs.Count; start += 8)
        {
            var batch = pairs.GetRange(start, 8);
            NormalBlockGenerator.Transform(
                Vector256.Create(batch.Select(p => p.R).ToArray()),
                Vector256.Create(batch.Select(p => p.A).ToArray()),
                out var cosine,
                out var sine);
            for (var lane = 0; lane < 8; lane++)
            {
                var (r, a) = batch[lane];
                var expectedCosine = NormalBlockGenerator.ReferenceSample((uint)r, (uint)a, sine: false);
                var expectedSine = NormalBlockGenerator.ReferenceSample((uint)r, (uint)a, sine: true);
                Assert.True(Math.Abs(cosine[lane] - expectedCosine) <= 1e-5, $"cos k1={r} k2={a}: {cosine[lane]} vs {expectedCosine}");
                Assert.True(Math.Abs(sine[lane] - expectedSine) <= 1e-5, $"sin k1={r} k2={a}: {sine[lane]} vs {expectedSine}");
                if (r == top)
                {
                    Assert.Equal(0f, cosine[lane]);
                    Assert.Equal(0f, sine[lane]);
                }
            }
        }

        NormalBlockGenerator.Transform(Vector256<int>.Zero, Vector256<int>.Zero, out var peak, out _);
        Assert.Equal(MaxRadius, peak[0], 5);
    }

    [Fact]
    public void ConsecutiveSamplesAreUncorrelated()
    {
        var z = Draw(555, 1_000_000);

        // Lag 1 and 2 cross the halves and lanes of one 64-bit output, lag 8 pairs the cosine and sine of one radius,
        // lag 16 is the next block of the same lane; the standard error at n = 1e6 is 1e-3.
        foreach (var lag in new[] { 1, 2, 8, 16 })
        {
            var r = Correlation(z, z, lag);
            Assert.True(Math.Abs(r) < 0.005, $"lag {lag}: r = {r}");
        }

        // Box–Muller pairs share their radius but are still independent, so even their squares are uncorrelated.
        var squares = z.Select(x => x * x).ToArray();
        var rSquares = Correlation(squares, squares, 8);
        Assert.True(Math.Abs(rSquares) < 0.005, $"squares at lag 8: r = {rSquares}");
    }

    [Fact]
    public void FillDoesNotAllocate()
    {
        var generator = new NormalBlockGenerator(3);
        var buffer = new float[4096];
        generator.Fill(buffer);
        generator.Fill(buffer.AsSpan(0, 5));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            generator.Fill(buffer.AsSpan(0, 1 + (i * 37 % 100)));
            generator.Fill(buffer);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static float[] Draw(ulong seed, int count)
    {
        var samples = new float[count];
        new NormalBlockGenerator(seed).Fill(samples);
        return samples;
    }

    private static double Correlation(float[] a, float[] b, int lag)
    {
        var n = a.Length - lag;
        double meanA = 0, meanB = 0;
        for (var i = 0; i < n; i++)
        {
            meanA += a[i];
            meanB += b[i + lag];
        }

        meanA /= n;
        meanB /= n;
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < n; i++)
        {
            var da = a[i] - meanA;
            var db = b[i + lag] - meanB;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }

        return ab / Math.Sqrt(aa * bb);
    }

    /// <summary>Φ(z) from Marsaglia's series Φ(z) = ½ + φ(z)·Σ z^(2k+1)/(2k+1)!!, whose terms are all of one sign,
    /// so it is accurate to ~1e-15 absolute for |z| ≤ 8 (far better than the 1e-7 a KS test at n = 1e5 needs).</summary>
    private static double NormalCdf(double z)
    {
        if (z < -8)
        {
            return 0;
        }

        if (z > 8)
        {
            return 1;
        }

        double sum = z, term = z, z2 = z * z;
        for (var k = 3; sum + term != sum; k += 2)
        {
            term *= z2 / k;
            sum += term;
        }

        // ln √(2π) = 0.918938533204672742
        return 0.5 + (sum * Math.Exp((-0.5 * z2) - 0.918938533204672742));
    }
}
