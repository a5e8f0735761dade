// One piece: one operation, the row-major product C = αAB + βC, and its two back-ends. The OpenBLAS dispatch and the
// cache-blocked managed kernel it falls back to share the operand checks, the degenerate cases and the calling-thread
// scope; the managed kernel's blocking constants, packing and micro-kernel are tuned as one set (the register tile
// fixes the panel width PackB writes and MicroKernel reads). The OpenBLAS binding itself is OpenBlasLibrary.

using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AimcHil.Numerics;

/// <summary>Row-major matrix products (GEMM) through OpenBLAS when libopenblas is installed, otherwise through a
/// cache-blocked managed kernel; setting the environment variable AIMC_BLAS=managed forces the managed kernel.</summary>
public static unsafe class Blas
{
    /// <summary>Environment variable that, set to "managed", keeps OpenBLAS from being loaded (read once, on first use).</summary>
    public const string BackendVariable = "AIMC_BLAS";

    // Register tile of the managed micro-kernel: MicroRows rows of C by two SIMD vectors of columns, so
    // 4 x 2 accumulators + 2 B vectors + 1 broadcast stay in the 16 vector registers of x64.
    private const int MicroRows = 4;

    // Cache blocking: a packed A block (BlockRows x BlockDepth) sits in L2, a packed B micro-panel
    // (BlockDepth x 2 vectors) in L1, and the packed B block (BlockDepth x BlockCols) in L2/L3.
    private const int BlockRows = 64;
    private const int BlockDepth = 256;
    private const int BlockCols = 512;

    // Below this many multiply-adds a single thread beats the cost of waking the thread pool.
    private const long ParallelThreshold = 1L << 20;

    // Each parallel tile spans at least this many rows, so packing B again per tile stays a small overhead.
    private const int MinTileRows = 16;

    private static readonly bool HasFusedMultiplyAdd = Fma.IsSupported || AdvSimd.IsSupported;

    private static readonly Lazy<OpenBlasLibrary?> Native =
        new(OpenBlasLibrary.TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when products go through OpenBLAS.</summary>
    public static bool IsOpenBlas => Native.Value is not null;

    /// <summary>What computes the products, for logs and reports, e.g. "openblas (libopenblas.so.0, 2 threads, ...)" or "managed".</summary>
    public static string Backend => Native.Value?.Describe() ?? "managed";

    private static readonly Lock CallingThreadLock = new();
    private static int _callingThreadScopes;
    private static int _threadsBeforeScopes;

    [ThreadStatic]
    private static int _callingThreadDepth;

    /// <summary>Until the scope is disposed, products run on the calling thread alone (OpenBLAS set to one thread,
    /// the managed kernel serial): for the many small products of an emulated MVM, where handing half of a 0.1 ms
    /// product to a second thread costs more than it saves, and on a loaded machine a sleeping BLAS thread can take
    /// milliseconds to be scheduled.</summary>
    /// <remarks>OpenBLAS's thread count is one setting per process, so while any scope is open every product in the
    /// process runs on one thread (the last scope to close restores the count). OpenBLAS's sums may round
    /// differently on one thread than on two: results agree to float rounding, not bit for bit.</remarks>
    public static CallingThreadScope OnCallingThread()
    {
        _callingThreadDepth++;
        if (Native.Value is { CanSetThreads: true } native)
        {
            lock (CallingThreadLock)
            {
                if (_callingThreadScopes++ == 0)
                {
                    _threadsBeforeScopes = native.Threads;
                    native.Threads = 1;
                }
            }
        }

        return new CallingThreadScope(true);
    }

    private static void EndCallingThread()
    {
        _callingThreadDepth--;
        if (Native.Value is { CanSetThreads: true } native)
        {
            lock (CallingThreadLock)
            {
                if (--_callingThreadScopes == 0)
                {
                    native.Threads = _threadsBeforeScopes;
                }
            }
        }
    }

    /// <summary>What <see cref="OnCallingThread"/> returns: disposing it ends the scope.</summary>
    public readonly struct CallingThreadScope(bool open) : IDisposable
    {
        public void Dispose()
        {
            if (open)
            {
                EndCallingThread();
            }
        }
    }

    /// <summary>C(m×n) = A(m×k)·B(k×n), all row-major.</summary>
    public static void Gemm(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c) =>
        Gemm(false, false, m, n, k, 1f, a, b, 0f, c);

    /// <summary>C(m×<paramref name="columns"/>) = A(m×k)·B(k×n)[:, first, first + columns), all row-major: some
    /// columns of a product, equal bit for bit to those of the full product, without the others' cost.</summary>
    /// <remarks>OpenBLAS sums an output in a way that depends on the micro-kernel its column falls in (on this
    /// machine's Cooper Lake kernels, a product 1 to 8 columns wide differs in the last bits from the same columns of
    /// a wider one). So the product runs over the columns widened to multiples of <see cref="ColumnAlignment"/>
    /// (or to n), which the full product's kernels tile alike, and the columns are copied out. The managed kernel
    /// computes the full product and copies them, equal by construction.</remarks>
    public static void GemmColumns(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int first, int columns, Span<float> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (first + columns > n)
        {
            throw new ArgumentException($"columns {first} to {first + columns - 1} are outside B's {n} columns.", nameof(columns));
        }

        RequireLength(c.Length, (long)m * columns, nameof(c), $"C must hold m·columns = {m}·{columns}");
        RequireLength(a.Length, (long)m * k, nameof(a), $"A must hold m·k = {m}·{k}");
        RequireLength(b.Length, (long)k * n, nameof(b), $"B must hold k·n = {k}·{n}");
        var start = Native.Value is null ? 0 : first / ColumnAlignment * ColumnAlignment;
        var end = Native.Value is null ? n : Math.Min(n, (first + columns + ColumnAlignment - 1) / ColumnAlignment * ColumnAlignment);
        var width = end - start;
        if (width == columns)
        {
            GemmWindow(m, n, k, a, b, start, width, c);
            return;
        }

        var window = _window.Take(m * width);
        GemmWindow(m, n, k, a, b, start, width, window);
        for (var i = 0; i < m; i++)
        {
            window.Slice((i * width) + first - start, columns).CopyTo(c.Slice(i * columns, columns));
        }
    }

    /// <summary>Column windows of <see cref="GemmColumns"/> start and end at multiples of this (or at n): a multiple of
    /// every OpenBLAS single-precision kernel's column unroll.</summary>
    public const int ColumnAlignment = 16;

    [ThreadStatic]
    private static ScratchBuffer<float> _window;

    private static void GemmWindow(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int start, int width, Span<float> c)
    {
        if (Native.Value is not { } native)
        {
            ManagedGemm(false, false, m, n, k, 1f, a, b, 0f, c);
            return;
        }

        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException("C must not overlap A or B.", nameof(c));
        }

        if (HandleDegenerate(m, width, k, 1f, 0f, c))
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            native.Sgemm(OpenBlasLibrary.RowMajor, OpenBlasLibrary.NoTrans, OpenBlasLibrary.NoTrans, m, width, k, 1f, pa, k, pb + start, n, 0f, pc, width);
        }
    }

    /// <summary>Row-major C(m×n) = alpha·op(A)·op(B) + beta·C; A is stored k×m when transA, B is stored n×k when
    /// transB. As in BLAS, beta = 0 overwrites C without reading it, so NaNs already in C do not propagate.</summary>
    public static void Gemm(
        bool transA,
        bool transB,
        int m,
        int n,
        int k,
        float alpha,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        float beta,
        Span<float> c) =>
        Product(Native.Value, transA, transB, m, n, k, alpha, a, b, beta, c);

    /// <summary>Double-precision form of <see cref="Gemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    public static void Gemm(
        bool transA,
        bool transB,
        int m,
        int n,
        int k,
        double alpha,
        ReadOnlySpan<double> a,
        ReadOnlySpan<double> b,
        double beta,
        Span<double> c) =>
        Product(Native.Value, transA, transB, m, n, k, alpha, a, b, beta, c);

    /// <summary>The managed kernel regardless of the active backend, so results can be compared against OpenBLAS or
    /// made independent of which library a machine has; same contract as <see cref="Gemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    public static void ManagedGemm(
        bool transA,
        bool transB,
        int m,
        int n,
        int k,
        float alpha,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        float beta,
        Span<float> c) =>
        Product(null, transA, transB, m, n, k, alpha, a, b, beta, c);

    /// <summary>Double-precision form of <see cref="ManagedGemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    public static void ManagedGemm(
        bool transA,
        bool transB,
        int m,
        int n,
        int k,
        double alpha,
        ReadOnlySpan<double> a,
        ReadOnlySpan<double> b,
        double beta,
        Span<double> c) =>
        Product(null, transA, transB, m, n, k, alpha, a, b, beta, c);

    // Both precisions and both back-ends share the checks and the degenerate cases; only the call at the end differs
    // (T is float or double, the only types the public overloads pass).
    private static void Product<T>(
        OpenBlasLibrary? native,
        bool transA,
        bool transB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        ReadOnlySpan<T> b,
        T beta,
        Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateOperands(m, n, k, a, b, c);
        if (HandleDegenerate(m, n, k, alpha, beta, c))
        {
            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            if (native is null)
            {
                ManagedKernel(new GemmOperands<T>(transA, transB, m, n, k, alpha, pa, pb, beta, pc));
                return;
            }

            var opA = transA ? OpenBlasLibrary.Trans : OpenBlasLibrary.NoTrans;
            var opB = transB ? OpenBlasLibrary.Trans : OpenBlasLibrary.NoTrans;
            var lda = transA ? m : k;
            var ldb = transB ? k : n;
            if (typeof(T) == typeof(float))
            {
                native.Sgemm(OpenBlasLibrary.RowMajor, opA, opB, m, n, k, float.CreateTruncating(alpha), (float*)pa, lda, (float*)pb, ldb, float.CreateTruncating(beta), (float*)pc, n);
            }
            else
            {
                native.Dgemm(OpenBlasLibrary.RowMajor, opA, opB, m, n, k, double.CreateTruncating(alpha), (double*)pa, lda, (double*)pb, ldb, double.CreateTruncating(beta), (double*)pc, n);
            }
        }
    }

    private static void ValidateOperands<T>(int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        // Exact lengths rather than "at least": a longer span almost always means the caller mixed up a shape.
        RequireLength(a.Length, (long)m * k, nameof(a), $"A must hold m·k = {m}·{k}");
        RequireLength(b.Length, (long)k * n, nameof(b), $"B must hold k·n = {k}·{n}");
        RequireLength(c.Length, (long)m * n, nameof(c), $"C must hold m·n = {m}·{n}");

        // Both backends read A and B while writing C, so an overlap gives garbage rather than an error.
        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException("C must not overlap A or B.", nameof(c));
        }
    }

    private static void RequireLength(int actual, long expected, string parameter, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{what} = {expected} elements, but the span has {actual}.", parameter);
        }
    }

    /// <summary>Handles the cases BLAS defines without a product (empty C, k = 0, alpha = 0); true when done.</summary>
    private static bool HandleDegenerate<T>(int m, int n, int k, T alpha, T beta, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return true;
        }

        if (k == 0 || alpha == T.Zero)
        {
            ScaleByBeta(c, beta);
            return true;
        }

        return false;
    }

    private static void ScaleByBeta<T>(Span<T> c, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            c.Clear();
        }
        else if (beta != T.One)
        {
            TensorPrimitives.Multiply(c, beta, c);
        }
    }

    private static void ManagedKernel<T>(GemmOperands<T> op)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ScaleByBeta(new Span<T>(op.C, op.M * op.N), op.Beta);

        // Matrix-vector shapes would waste most of a register tile on padding; they are memory bound anyway.
        if (op.N == 1)
        {
            MatrixTimesVector(op);
            return;
        }

        if (op.M == 1)
        {
            VectorTimesMatrix(op);
            return;
        }

        var work = (long)op.M * op.N * op.K;
        var workers = work >= ParallelThreshold && _callingThreadDepth == 0 ? Environment.ProcessorCount : 1;
        if (workers <= 1)
        {
            BlockedTile(op, 0, op.M, 0, op.N);
            return;
        }

        var panelCols = PanelCols<T>();
        var rowTiles = Math.Clamp(op.M / MinTileRows, 1, workers);
        var colTiles = Math.Clamp(workers / rowTiles, 1, Math.Max(1, op.N / (4 * panelCols)));
        var rowStep = RoundUp(CeilDiv(op.M, rowTiles), MicroRows);
        var colStep = RoundUp(CeilDiv(op.N, colTiles), panelCols);
        rowTiles = CeilDiv(op.M, rowStep);
        colTiles = CeilDiv(op.N, colStep);

        // Tiles own disjoint blocks of C and sum over k in the same order as the serial path, so the result does
        // not depend on the number of threads.
        Parallel.For(0, rowTiles * colTiles, tile =>
        {
            var row0 = tile / colTiles * rowStep;
            var col0 = tile % colTiles * colStep;
            BlockedTile(op, row0, Math.Min(op.M, row0 + rowStep), col0, Math.Min(op.N, col0 + colStep));
        });
    }

    /// <summary>C(m×1) += alpha·op(A)·x, where x is B's k elements whether or not B is transposed.</summary>
    private static void MatrixTimesVector<T>(in GemmOperands<T> op)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new ReadOnlySpan<T>(op.B, op.K);
        if (!op.TransA)
        {
            for (var i = 0; i < op.M; i++)
            {
                op.C[i] += op.Alpha * TensorPrimitives.Dot(new ReadOnlySpan<T>(op.A + ((long)i * op.K), op.K), x);
            }

            return;
        }

        var y = new Span<T>(op.C, op.M);
        for (var p = 0; p < op.K; p++)
        {
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(op.A + ((long)p * op.M), op.M), op.Alpha * x[p], y, y);
        }
    }

    /// <summary>C(1×n) += alpha·a·op(B), where a is A's k elements whether or not A is transposed.</summary>
    private static void VectorTimesMatrix<T>(in GemmOperands<T> op)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new ReadOnlySpan<T>(op.A, op.K);
        if (op.TransB)
        {
            for (var j = 0; j < op.N; j++)
            {
                op.C[j] += op.Alpha * TensorPrimitives.Dot(new ReadOnlySpan<T>(op.B + ((long)j * op.K), op.K), x);
            }

            return;
        }

        var y = new Span<T>(op.C, op.N);
        for (var p = 0; p < op.K; p++)
        {
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(op.B + ((long)p * op.N), op.N), op.Alpha * x[p], y, y);
        }
    }

    /// <summary>C[row0..rowEnd, col0..colEnd) += alpha·op(A)·op(B), packing operands into cache-sized blocks.</summary>
    private static void BlockedTile<T>(GemmOperands<T> op, int row0, int rowEnd, int col0, int colEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var panelCols = PanelCols<T>();
        var depth = Math.Min(BlockDepth, op.K);
        var packedACount = (nuint)(RoundUp(Math.Min(BlockRows, rowEnd - row0), MicroRows) * depth);
        var packedBCount = (nuint)(RoundUp(Math.Min(BlockCols, colEnd - col0), panelCols) * depth);
        var packedA = (T*)NativeMemory.AlignedAlloc(packedACount * (nuint)sizeof(T), 64);
        var packedB = (T*)NativeMemory.AlignedAlloc(packedBCount * (nuint)sizeof(T), 64);
        try
        {
            for (var jc = col0; jc < colEnd; jc += BlockCols)
            {
                var nc = Math.Min(BlockCols, colEnd - jc);
                for (var pc = 0; pc < op.K; pc += BlockDepth)
                {
                    var kc = Math.Min(BlockDepth, op.K - pc);
                    PackB(op, pc, kc, jc, nc, panelCols, packedB);
                    for (var ic = row0; ic < rowEnd; ic += BlockRows)
                    {
                        var mc = Math.Min(BlockRows, rowEnd - ic);
                        PackA(op, ic, mc, pc, kc, packedA);
                        for (var jr = 0; jr < nc; jr += panelCols)
                        {
                            var cols = Math.Min(panelCols, nc - jr);
                            for (var ir = 0; ir < mc; ir += MicroRows)
                            {
                                MicroKernel(
                                    kc,
                                    packedA + ((nint)ir * kc),
                                    packedB + ((nint)jr * kc),
                                    op.Alpha,
                                    op.C + ((long)(ic + ir) * op.N) + jc + jr,
                                    op.N,
                                    Math.Min(MicroRows, mc - ir),
                                    cols);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packedA);
            NativeMemory.AlignedFree(packedB);
        }
    }

    /// <summary>Copies op(A)[ic..ic+mc, pc..pc+kc) into MicroRows-row panels laid out depth-major, so the kernel
    /// reads the MicroRows values it broadcasts for one k from consecutive addresses; missing rows are zero.</summary>
    private static void PackA<T>(in GemmOperands<T> op, int ic, int mc, int pc, int kc, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var paddedRows = RoundUp(mc, MicroRows);
        if (!op.TransA)
        {
            for (var r = 0; r < mc; r++)
            {
                var src = op.A + ((long)(ic + r) * op.K) + pc;
                var dst = packed + ((nint)(r - (r % MicroRows)) * kc) + (r % MicroRows);
                for (var p = 0; p < kc; p++)
                {
                    dst[p * MicroRows] = src[p];
                }
            }
        }
        else
        {
            for (var p = 0; p < kc; p++)
            {
                var src = op.A + ((long)(pc + p) * op.M) + ic;
                for (var r = 0; r < mc; r++)
                {
                    packed[((r - (r % MicroRows)) * kc) + (p * MicroRows) + (r % MicroRows)] = src[r];
                }
            }
        }

        for (var r = mc; r < paddedRows; r++)
        {
            var dst = packed + ((nint)(r - (r % MicroRows)) * kc) + (r % MicroRows);
            for (var p = 0; p < kc; p++)
            {
                dst[p * MicroRows] = T.Zero;
            }
        }
    }

    /// <summary>Copies op(B)[pc..pc+kc, jc..jc+nc) into panels of panelCols columns laid out depth-major, so the
    /// kernel streams each panel contiguously; missing columns are zero.</summary>
    private static void PackB<T>(in GemmOperands<T> op, int pc, int kc, int jc, int nc, int panelCols, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var paddedCols = RoundUp(nc, panelCols);
        if (!op.TransB)
        {
            for (var p = 0; p < kc; p++)
            {
                var src = op.B + ((long)(pc + p) * op.N) + jc;
                for (var jr = 0; jr < paddedCols; jr += panelCols)
                {
                    var dst = new Span<T>(packed + ((nint)jr * kc) + ((nint)p * panelCols), panelCols);
                    var cols = Math.Min(panelCols, nc - jr);
                    new ReadOnlySpan<T>(src + jr, cols).CopyTo(dst);
                    dst[cols..].Clear();
                }
            }

            return;
        }

        for (var j = 0; j < nc; j++)
        {
            var src = op.B + ((long)(jc + j) * op.K) + pc;
            var dst = packed + ((nint)(j - (j % panelCols)) * kc) + (j % panelCols);
            for (var p = 0; p < kc; p++)
            {
                dst[p * panelCols] = src[p];
            }
        }

        for (var j = nc; j < paddedCols; j++)
        {
            var dst = packed + ((nint)(j - (j % panelCols)) * kc) + (j % panelCols);
            for (var p = 0; p < kc; p++)
            {
                dst[p * panelCols] = T.Zero;
            }
        }
    }

    /// <summary>C[rows × cols] += alpha · (packed A panel)·(packed B panel) over kc, in a MicroRows × 2-vector register tile.</summary>
    [SkipLocalsInit]
    private static void MicroKernel<T>(int kc, T* a, T* b, T alpha, T* c, int ldc, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + width);
            var a0 = new Vector<T>(a[0]);
            c00 = MultiplyAdd(a0, b0, c00);
            c01 = MultiplyAdd(a0, b1, c01);
            var a1 = new Vector<T>(a[1]);
            c10 = MultiplyAdd(a1, b0, c10);
            c11 = MultiplyAdd(a1, b1, c11);
            var a2 = new Vector<T>(a[2]);
            c20 = MultiplyAdd(a2, b0, c20);
            c21 = MultiplyAdd(a2, b1, c21);
            var a3 = new Vector<T>(a[3]);
            c30 = MultiplyAdd(a3, b0, c30);
            c31 = MultiplyAdd(a3, b1, c31);
            a += MicroRows;
            b += 2 * width;
        }

        var scale = new Vector<T>(alpha);
        if (rows == MicroRows && cols == 2 * width)
        {
            AccumulateRow(c, width, scale, c00, c01);
            AccumulateRow(c + ldc, width, scale, c10, c11);
            AccumulateRow(c + (2 * ldc), width, scale, c20, c21);
            AccumulateRow(c + (3 * ldc), width, scale, c30, c31);
            return;
        }

        // Edge tile: spill the register tile and add only the part that lies inside C.
        var tile = stackalloc T[MicroRows * 2 * width];
        var stride = 2 * width;
        Vector.Store(c00 * scale, tile);
        Vector.Store(c01 * scale, tile + width);
        Vector.Store(c10 * scale, tile + stride);
        Vector.Store(c11 * scale, tile + stride + width);
        Vector.Store(c20 * scale, tile + (2 * stride));
        Vector.Store(c21 * scale, tile + (2 * stride) + width);
        Vector.Store(c30 * scale, tile + (3 * stride));
        Vector.Store(c31 * scale, tile + (3 * stride) + width);
        for (var r = 0; r < rows; r++)
        {
            var row = c + ((nint)r * ldc);
            for (var j = 0; j < cols; j++)
            {
                row[j] += tile[(r * stride) + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateRow<T>(T* row, int width, Vector<T> scale, Vector<T> left, Vector<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector.Store(Vector.Load(row) + (left * scale), row);
        Vector.Store(Vector.Load(row + width) + (right * scale), row + width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> addend)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Without FMA hardware Vector.FusedMultiplyAdd falls back to a slow software path, so use it only when native.
        if (HasFusedMultiplyAdd)
        {
            if (typeof(T) == typeof(float))
            {
                return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
            }

            if (typeof(T) == typeof(double))
            {
                return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
            }
        }

        return addend + (a * b);
    }

    private static int PanelCols<T>()
        where T : unmanaged => 2 * Vector<T>.Count;

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => CeilDiv(value, multiple) * multiple;

    /// <summary>One GEMM call's operands as raw pointers, so parallel workers can share them (spans cannot be captured).</summary>
    private readonly struct GemmOperands<T>
        where T : unmanaged
    {
        public readonly bool TransA;
        public readonly bool TransB;
        public readonly int M;
        public readonly int N;
        public readonly int K;
        public readonly T Alpha;
        public readonly T* A;
        public readonly T* B;
        public readonly T Beta;
        public readonly T* C;

        public GemmOperands(bool transA, bool transB, int m, int n, int k, T alpha, T* a, T* b, T beta, T* c)
        {
            TransA = transA;
            TransB = transB;
            M = m;
            N = n;
            K = k;
            Alpha = alpha;
            A = a;
            B = b;
            Beta = beta;
            C = c;
        }
    }
}
