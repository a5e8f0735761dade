using System.Runtime.InteropServices;

namespace AimcHil.Numerics;

/// <summary>The cblas entry points of a loaded OpenBLAS; the library stays loaded for the life of the process.</summary>
internal sealed unsafe class OpenBlasLibrary
{
    public const int RowMajor = 101;
    public const int NoTrans = 111;
    public const int Trans = 112;

    private static readonly string[] Candidates =
        ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll"];

    private readonly string _fileName;
    private readonly string? _config;
    private readonly delegate* unmanaged[Cdecl]<int> _getNumThreads;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setNumThreads;

    private OpenBlasLibrary(string fileName, nint handle, nint sgemm, nint dgemm)
    {
        _fileName = fileName;
        Sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        Dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)dgemm;
        if (NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out var getNumThreads))
        {
            _getNumThreads = (delegate* unmanaged[Cdecl]<int>)getNumThreads;
        }

        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setNumThreads))
        {
            _setNumThreads = (delegate* unmanaged[Cdecl]<int, void>)setNumThreads;
        }

        if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out var getConfig))
        {
            _config = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)getConfig)())?.Trim();
        }
    }

    /// <summary>Whether the library's thread count can be read and set.</summary>
    public bool CanSetThreads => _getNumThreads is not null && _setNumThreads is not null;

    /// <summary>openblas_get_num_threads / openblas_set_num_threads (only when <see cref="CanSetThreads"/>).</summary>
    public int Threads
    {
        get => _getNumThreads();
        set => _setNumThreads(value);
    }

    /// <summary>cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc).</summary>
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; }

    /// <summary>cblas_dgemm, same argument order as cblas_sgemm.</summary>
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemm { get; }

    public static OpenBlasLibrary? TryLoad()
    {
        var requested = Environment.GetEnvironmentVariable(Blas.BackendVariable);
        if (string.Equals(requested?.Trim(), "managed", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)
                && NativeLibrary.TryGetExport(handle, "cblas_dgemm", out var dgemm))
            {
                return new OpenBlasLibrary(name, handle, sgemm, dgemm);
            }

            NativeLibrary.Free(handle);
        }

        return null;
    }

    public string Describe()
    {
        // Asked on every call because anything in the process may call openblas_set_num_threads after loading.
        var threads = _getNumThreads is null ? "?" : _getNumThreads().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _config is null
            ? $"openblas ({_fileName}, {threads} threads)"
            : $"openblas ({_fileName}, {threads} threads, {_config})";
    }
}
