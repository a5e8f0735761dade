using System.Text.RegularExpressions;

namespace AimcHil.Numerics.Tests;

/// <summary>Products on the calling thread only: the same products, and the process's BLAS threads given back when
/// the last scope closes.</summary>
public partial class BlasCallingThreadTests
{
    [Fact]
    public void ScopesNestAndTheLastOneRestoresTheThreadCount()
    {
        var before = Threads();
        using (Blas.OnCallingThread())
        {
            using (Blas.OnCallingThread())
            {
                Assert.Equal(Blas.IsOpenBlas ? "1" : null, Threads());
            }

            Assert.Equal(Blas.IsOpenBlas ? "1" : null, Threads());
        }

        Assert.Equal(before, Threads());
    }

    /// <summary>The managed kernel sums every element in the same order on any number of threads; OpenBLAS may split
    /// its sums differently on one thread, so it agrees to float rounding.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ProductsInAScopeAreTheProductsOutsideIt(bool managed)
    {
        const int M = 130;
        const int N = 257;
        const int K = 64;
        var rng = SeededRandom.For(3, "calling-thread");
        var a = new float[M * K];
        var b = new float[K * N];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        var outside = new float[M * N];
        var inside = new float[M * N];
        Product(managed, a, b, outside);
        using (Blas.OnCallingThread())
        {
            Product(managed, a, b, inside);
        }

        if (managed)
        {
            Assert.Equal(outside, inside);
            return;
        }

        for (var k = 0; k < outside.Length; k++)
        {
            Assert.Equal(outside[k], inside[k], 1e-4f);
        }
    }

    private static void Product(bool managed, float[] a, float[] b, float[] c)
    {
        if (managed)
        {
            Blas.ManagedGemm(false, false, 130, 257, 64, 1f, a, b, 0f, c);
        }
        else
        {
            Blas.Gemm(130, 257, 64, a, b, c);
        }
    }

    /// <summary>The thread count in <see cref="Blas.Backend"/> ("openblas (libopenblas.so.0, 2 threads, …)"), null for the managed kernel.</summary>
    private static string? Threads() => ThreadsPattern().Match(Blas.Backend) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@", (\d+|\?) threads")]
    private static partial Regex ThreadsPattern();
}
