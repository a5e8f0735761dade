using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace AimcHil.Numerics.Tests;

public class BlasTests(ITestOutputHelper output)
{
    // m, n, k: degenerate, odd, not multiples of any vector or block width, the parallel path (130·257·64 > 2^20),
    // matrix-vector and vector-matrix shapes, and one spanning several depth and column blocks (k > 256, n > 512).
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (3, 5, 7), (65, 33, 17), (130, 257, 64), (17, 1, 9), (1, 19, 9), (21, 520, 260),
    ];

    // Both precisions and both backends check against the same inputs, so each reference is computed once.
    private const float Alpha = 0.75f;
    private const float Beta = -1.5f;

    private static readonly ConcurrentDictionary<(int, int, int, bool, bool), Lazy<Problem>> Problems = new();

    public static TheoryData<int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, n, k) in Sizes)
        {
            foreach (var transA in new[] { false, true })
            {
                foreach (var transB in new[] { false, true })
                {
                    data.Add(m, n, k, transA, transB);
                }
            }
        }

        return data;
    }

    /// <summary>Some columns of a product are those columns of the full product, bit for bit (the emulator's ranged
    /// MVM rests on it), on the active backend: here OpenBLAS gave other last bits for 1 to 8 columns of 256 computed
    /// alone, before the window was widened.</summary>
    [Theory]
    [InlineData(64, 256, 25, 0, 8)]
    [InlineData(64, 256, 200, 0, 8)]
    [InlineData(64, 256, 200, 70, 20)]
    [InlineData(37, 256, 200, 0, 16)]
    [InlineData(64, 256, 256, 5, 10)]
    [InlineData(3, 48, 64, 47, 1)]
    [InlineData(9, 40, 7, 13, 27)]
    public void ColumnsOfAProductAreThoseOfTheFullProduct(int m, int n, int k, int first, int columns)
    {
        var rng = new SeededRandom(3);
        var a = new float[m * k];
        var b = new float[k * n];
        rng.FillGaussian(a);
        rng.FillGaussian(b);
        var full = new float[m * n];
        Blas.Gemm(m, n, k, a, b, full);
        var part = new float[m * columns];
        Blas.GemmColumns(m, n, k, a, b, first, columns, part);
        for (var i = 0; i < m; i++)
        {
            Assert.Equal(full.AsSpan((i * n) + first, columns).ToArray(), part.AsSpan(i * columns, columns).ToArray());
        }
    }

    [Fact]
    public void BackendDescriptionMatchesIsOpenBlas()
    {
        var backend = Blas.Backend;
        output.WriteLine($"Blas.Backend = {backend}");

        Assert.False(string.IsNullOrWhiteSpace(backend));
        if (Blas.IsOpenBlas)
        {
            Assert.StartsWith("openblas (", backend);
        }
        else
        {
            Assert.Equal("managed", backend);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ActiveBackendMatchesNaiveProductInSingle(int m, int n, int k, bool transA, bool transB) =>
        CheckSingle(m, n, k, transA, transB, Blas.Gemm);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ManagedKernelMatchesNaiveProductInSingle(int m, int n, int k, bool transA, bool transB) =>
        CheckSingle(m, n, k, transA, transB, Blas.ManagedGemm);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ActiveBackendMatchesNaiveProductInDouble(int m, int n, int k, bool transA, bool transB) =>
        CheckDouble(m, n, k, transA, transB, Blas.Gemm);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ManagedKernelMatchesNaiveProductInDouble(int m, int n, int k, bool transA, bool transB) =>
        CheckDouble(m, n, k, transA, transB, Blas.ManagedGemm);

    [Fact]
    public void ShortFormIsPlainProductAndIgnoresOldContentsOfC()
    {
        var a = new float[] { 1, 2, 3, 4, 5, 6 };        // 2×3
        var b = new float[] { 7, 8, 9, 10, 11, 12 };     // 3×2
        var c = new float[] { float.NaN, 1, 2, 3 };

        Blas.Gemm(2, 2, 3, a, b, c);

        Assert.Equal(new float[] { 58, 64, 139, 154 }, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BetaZeroOverwritesNaNInC(bool managed)
    {
        var a = new float[] { 1, 2, 3, 4 };
        var b = new float[] { 1, 0, 0, 1 };
        var c = new float[] { float.NaN, float.NaN, float.PositiveInfinity, float.NaN };

        Run(managed, false, false, 2, 2, 2, 2f, a, b, 0f, c);

        Assert.Equal(new float[] { 2, 4, 6, 8 }, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AlphaZeroOnlyScalesCAndDoesNotReadAOrB(bool managed)
    {
        var a = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        var b = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        var c = new float[] { 1, 2, 3, 4 };

        Run(managed, false, false, 2, 2, 2, 0f, a, b, 3f, c);

        Assert.Equal(new float[] { 3, 6, 9, 12 }, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmptyInnerDimensionScalesC(bool managed)
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };

        Run(managed, true, true, 2, 3, 0, 1f, [], [], -1f, c);

        Assert.Equal(new float[] { -1, -2, -3, -4, -5, -6 }, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmptyOutputIsANoOp(bool managed)
    {
        var a = new float[] { 1, 2, 3 };

        Run(managed, false, false, 0, 4, 3, 1f, [], new float[12], 0f, []);
        Run(managed, false, false, 1, 0, 3, 1f, a, [], 0f, []);
    }

    [Fact]
    public void ManagedKernelIsBitwiseRepeatable()
    {
        // The parallel split must not change the order of additions, or results would drift between runs.
        var (m, n, k) = (130, 257, 64);
        var a = Gaussian(m * k, 1);
        var b = Gaussian(k * n, 2);
        var first = new float[m * n];
        var second = new float[m * n];

        Blas.ManagedGemm(false, true, m, n, k, 1f, a, b, 0f, first);
        Blas.ManagedGemm(false, true, m, n, k, 1f, a, b, 0f, second);

        Assert.Equal(first, second);
    }

    [Fact]
    public void WrongSpanLengthsAreRejectedWithTheExpectedSize()
    {
        var ex = Assert.Throws<ArgumentException>(() => Blas.Gemm(2, 4, 3, new float[5], new float[12], new float[8]));
        Assert.Equal("a", ex.ParamName);
        Assert.Equal("A must hold m·k = 2·3 = 6 elements, but the span has 5. (Parameter 'a')", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Blas.Gemm(2, 4, 3, new float[6], new float[13], new float[8]));
        Assert.Equal("b", ex.ParamName);
        Assert.StartsWith("B must hold k·n = 3·4 = 12 elements, but the span has 13.", ex.Message);

        ex = Assert.Throws<ArgumentException>(
            () => Blas.Gemm(true, false, 2, 4, 3, 1.0, new double[6], new double[12], 0.0, new double[7]));
        Assert.Equal("c", ex.ParamName);
        Assert.StartsWith("C must hold m·n = 2·4 = 8 elements, but the span has 7.", ex.Message);
    }

    [Fact]
    public void NegativeDimensionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Gemm(-1, 1, 1, [], [0f], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.ManagedGemm(false, false, 1, 1, -2, 1.0, [], [], 0.0, [0.0]));
    }

    [Fact]
    public void OutputOverlappingAnInputIsRejected()
    {
        var buffer = new float[8];
        var ex = Assert.Throws<ArgumentException>(
            () => Blas.Gemm(false, false, 2, 2, 2, 1f, buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 0f, buffer.AsSpan(2, 4)));
        Assert.Equal("c", ex.ParamName);
    }

    private delegate void SingleGemm(
        bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c);

    private delegate void DoubleGemm(
        bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c);

    private static void Run(
        bool managed, bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        if (managed)
        {
            Blas.ManagedGemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        }
        else
        {
            Blas.Gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        }
    }

    private static void CheckSingle(int m, int n, int k, bool transA, bool transB, SingleGemm gemm)
    {
        var problem = ProblemFor(m, n, k, transA, transB);
        var c = (float[])problem.C.Clone();

        gemm(transA, transB, m, n, k, Alpha, problem.A, problem.B, Beta, c);

        AssertClose(problem.Expected, problem.Scale, ToDouble(c), 1e-5);
    }

    private static void CheckDouble(int m, int n, int k, bool transA, bool transB, DoubleGemm gemm)
    {
        var problem = ProblemFor(m, n, k, transA, transB);
        var c = ToDouble(problem.C);

        gemm(transA, transB, m, n, k, Alpha, ToDouble(problem.A), ToDouble(problem.B), Beta, c);

        AssertClose(problem.Expected, problem.Scale, c, 1e-12);
    }

    private static Problem ProblemFor(int m, int n, int k, bool transA, bool transB) =>
        Problems.GetOrAdd((m, n, k, transA, transB), key => new Lazy<Problem>(() =>
        {
            var a = Gaussian(m * k, 11);
            var b = Gaussian(k * n, 12);
            var c = Gaussian(m * n, 13);
            var (expected, scale) = Naive(m, n, k, transA, transB, Alpha, ToDouble(a), ToDouble(b), Beta, ToDouble(c));
            return new Problem(a, b, c, expected, scale);
        })).Value;

    /// <summary>The textbook triple loop in double, plus per element the size of what was summed
    /// (|alpha|·Σ|a||b| + |beta·c|), which is what rounding error scales with when terms cancel.</summary>
    private static (double[] Expected, double[] Scale) Naive(
        int m, int n, int k, bool transA, bool transB, double alpha, double[] a, double[] b, double beta, double[] c)
    {
        var expected = new double[m * n];
        var scale = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (var p = 0; p < k; p++)
                {
                    var x = transA ? a[(p * m) + i] : a[(i * k) + p];
                    var y = transB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }

                expected[(i * n) + j] = (alpha * sum) + (beta * c[(i * n) + j]);
                scale[(i * n) + j] = (Math.Abs(alpha) * magnitude) + Math.Abs(beta * c[(i * n) + j]);
            }
        }

        return (expected, scale);
    }

    private static void AssertClose(double[] expected, double[] scale, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            Assert.True(
                error <= relative * scale[i],
                $"element {i}: got {actual[i]}, expected {expected[i]} (error {error:g3}, allowed {relative * scale[i]:g3})");
        }
    }

    private static float[] Gaussian(int count, ulong purpose)
    {
        var values = new float[count];
        SeededRandom.For(purpose, "blas-tests").FillGaussian(values);
        return values;
    }

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    private sealed record Problem(float[] A, float[] B, float[] C, double[] Expected, double[] Scale);
}
