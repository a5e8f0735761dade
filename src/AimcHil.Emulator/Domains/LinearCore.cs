using AimcHil.Numerics;
using System.Numerics.Tensors;

namespace AimcHil.Emulator.Domains;

/// <summary>A tile's compute view at one device age: every conversion is a linear map of the input features plus
/// Gaussian noise, so a batch costs one matrix product (and one more for white device read noise).</summary>
/// <remarks>
/// Conversion units are the domain's own (MAC units for analog domains, unit-capacitor counts for bit-serial ones).
/// Device read noise has two parts (README, "Emulator physics"): a per-device component that is held between reads
/// and refreshed as time passes (<see cref="SlowNoise"/>, the 1/f bands slower than one read), carried in the
/// weights of the product, and a white part independent on every read, entering as its output-referred variance
/// Σᵢ σᵢⱼ² xᵢ² (docs/architecture.md §4.4, rule 2). The domain says how each device reaches the conversions
/// (<see cref="ReadNoiseGains"/>); the chip fills both parts from the device's noise law.
/// A domain whose transfer is not a matrix product (a non-linear divider) overrides <see cref="Transfer"/>.
/// </remarks>
internal class LinearCore
{
    public LinearCore(int rows, int conversions)
        : this(rows, conversions, null)
    {
    }

    /// <summary>A view that takes over the arrays of <paramref name="retired"/>, a view of the same tile that nothing
    /// reads any more: a hil step rebuilds every tile after every programming, and fresh tile-sized arrays (large-object
    /// allocations) cost more than filling them. <see cref="Weights"/> then holds the retired values until the builder
    /// has written every one.</summary>
    public LinearCore(int rows, int conversions, LinearCore? retired)
    {
        Rows = rows;
        Conversions = conversions;
        var spare = retired is not null && retired.Weights.Length == rows * conversions ? retired : null;
        Weights = spare?.Weights ?? new float[rows * conversions];
        ColumnOffset = new float[conversions];
        _spareVariance = spare?.NoiseVariance ?? spare?._spareVariance;
        _spareSlowNoise = spare?._slowNoise ?? spare?._spareSlowNoise;
        _spareNoisyWeights = spare?._noisyWeights ?? spare?._spareNoisyWeights;
    }

    public int Rows { get; }

    /// <summary>Analog conversions per MVM and input phase (physical ADC inputs).</summary>
    public int Conversions { get; }

    /// <summary>Rows × Conversions: conversion units per unit input feature, without read noise.</summary>
    public float[] Weights { get; }

    /// <summary>Per device array, Rows × Conversions: conversion units per unit input feature that one unit of the
    /// device's normalized state adds there (device index = row·Conversions + conversion); null when no device read
    /// noise reaches the output linearly (binary cells).</summary>
    public float[][]? ReadNoiseGains { get; set; }

    /// <summary>Rows × Conversions: variance of the white read noise per unit squared input feature; null when noiseless.</summary>
    public float[]? NoiseVariance { get; set; }

    /// <summary>Rows × Conversions: the held (1/f) read-noise component in conversion units per unit input feature,
    /// added to <see cref="Weights"/> by every product; null when there is none.</summary>
    public float[]? SlowNoise
    {
        get => _slowNoise;
        set
        {
            _slowNoise = value;
            if (value is null)
            {
                _noisyWeights = null;
                return;
            }

            _noisyWeights ??= TakeSpare(ref _spareNoisyWeights);
            TensorPrimitives.Add(Weights, value, _noisyWeights);
        }
    }

    /// <summary>The <see cref="TileState.HeldReadNoiseVersion"/> the noise of this view was computed from (−1: not yet).</summary>
    public int NoiseVersion { get; set; } = -1;

    /// <summary>Static offset of each conversion.</summary>
    public float[] ColumnOffset { get; }

    /// <summary>Per-conversion noise independent of the inputs (kT/C, the replica chain's jitter).</summary>
    public float OutputNoiseSigma { get; set; }

    /// <summary>Variance of conversion noise per conversion unit of the noiseless output: noise that grows with the
    /// output itself, as jitter accumulates along a longer delay (σ² = OutputNoiseSigma² + this·y, floored at 0).</summary>
    public float OutputNoiseVariancePerUnit { get; set; }

    /// <summary>Analog conversion values for a batch of input features (batch × <paramref name="rows"/>, the first
    /// rows of the tile; the others are driven at zero) into <paramref name="output"/> (batch × Conversions).</summary>
    /// <remarks>A tile's products are small (a batch of 64 on 256 × 256 is 0.1 ms on one core): they run on the calling
    /// thread.</remarks>
    public void Evaluate(ReadOnlySpan<float> features, int batch, int rows, Span<float> output, SeededRandom rng)
    {
        using var serial = Blas.OnCallingThread();
        Transfer(features, batch, rows, output);
        AddNoiseAndOffsets(features, batch, rows, 0, Conversions, output, rng);
    }

    /// <summary>Whether <see cref="EvaluateColumns"/> can compute some conversions alone: a plain matrix product (a
    /// transfer of its own, as the non-linear divider's, gives all of them at once).</summary>
    public bool ComputesColumnsAlone => GetType() == typeof(LinearCore);

    /// <summary>Conversions [<paramref name="first"/>, first + <paramref name="count"/>) of <see cref="Evaluate"/>
    /// into <paramref name="output"/> (batch × count), equal to those of the full evaluation bit for bit, and
    /// <paramref name="rng"/> left where the full evaluation leaves it: the normals of the other conversions are
    /// skipped, not drawn.</summary>
    public void EvaluateColumns(ReadOnlySpan<float> features, int batch, int rows, int first, int count, Span<float> output, SeededRandom rng)
    {
        if (!ComputesColumnsAlone)
        {
            throw new InvalidOperationException($"{GetType().Name} computes every conversion at once");
        }

        using var serial = Blas.OnCallingThread();
        var active = rows * Conversions;
        Blas.GemmColumns(batch, Conversions, rows, features, (_noisyWeights ?? Weights).AsSpan(0, active), first, count, output[..(batch * count)]);
        AddNoiseAndOffsets(features, batch, rows, first, count, output, rng);
    }

    /// <summary>On the noiseless conversions [first, first + count) already in <paramref name="output"/> (batch ×
    /// count): the read noise of the driven devices, the column offsets, then the conversion noise, whose σ grows
    /// with the noiseless output.</summary>
    private void AddNoiseAndOffsets(ReadOnlySpan<float> features, int batch, int rows, int first, int count, Span<float> output, SeededRandom rng)
    {
        var all = first == 0 && count == Conversions;
        var active = rows * Conversions;
        var n = batch * count;
        if (NoiseVariance is { } variance)
        {
            var squared = _squared.Take(features.Length);
            TensorPrimitives.Multiply(features, features, squared);
            var std = _std.Take(n);
            if (all)
            {
                Blas.Gemm(batch, Conversions, rows, squared, variance.AsSpan(0, active), std);
            }
            else
            {
                Blas.GemmColumns(batch, Conversions, rows, squared, variance.AsSpan(0, active), first, count, std);
            }

            TensorPrimitives.Sqrt(std, std);
            TensorPrimitives.MultiplyAdd(std, Normals(rng, batch, first, count), output[..n], output[..n]);
        }

        if (HasColumnOffset)
        {
            var offset = ColumnOffset.AsSpan(first, count);
            for (var s = 0; s < batch; s++)
            {
                TensorPrimitives.Add(output.Slice(s * count, count), offset, output.Slice(s * count, count));
            }
        }

        if (OutputNoiseVariancePerUnit > 0)
        {
            // σ² = σ0² + slope·y from the noiseless y of this evaluation, before any noise of its own is added.
            var std = _std.Take(n);
            TensorPrimitives.Multiply(output[..n], OutputNoiseVariancePerUnit, std);
            TensorPrimitives.Add(std, OutputNoiseSigma * OutputNoiseSigma, std);
            TensorPrimitives.Max(std, 0f, std);
            TensorPrimitives.Sqrt(std, std);
            TensorPrimitives.MultiplyAdd(std, Normals(rng, batch, first, count), output[..n], output[..n]);
        }
        else if (OutputNoiseSigma > 0)
        {
            TensorPrimitives.MultiplyAdd(Normals(rng, batch, first, count), OutputNoiseSigma, output[..n], output[..n]);
        }
    }

    /// <summary>Standard normals for conversions [first, first + count) of a batch: the whole draw when that is every
    /// conversion, else those columns of it with the rest of the stream skipped.</summary>
    private Span<float> Normals(SeededRandom rng, int batch, int first, int count)
    {
        var xi = _normals.Take(batch * count);
        if (first == 0 && count == Conversions)
        {
            rng.FillStandardNormal(xi);
        }
        else
        {
            FillColumnNormals(rng, xi, batch, first, count);
        }

        return xi;
    }

    /// <summary>The normals a batch × Conversions draw puts in the conversions [first, first + count), the rest of
    /// the stream skipped.</summary>
    private void FillColumnNormals(SeededRandom rng, Span<float> xi, int batch, int first, int count) =>
        rng.FillStandardNormalColumns(xi, batch, Conversions, first, count);

    /// <summary>The noiseless-device part of <see cref="Evaluate"/>, held read noise included: one matrix product of
    /// the features with the weights (plus <see cref="SlowNoise"/>). An override must add the held noise itself
    /// (<see cref="AddSlowNoise"/>).</summary>
    protected virtual void Transfer(ReadOnlySpan<float> features, int batch, int rows, Span<float> output)
    {
        // Rows beyond the inputs carry 0 V and add nothing: the product skips them.
        var weights = _noisyWeights ?? Weights;
        Blas.Gemm(batch, Conversions, rows, features, weights.AsSpan(0, rows * Conversions), output);
    }

    /// <summary>Adds the held read noise's contribution Σᵢ xᵢ·SlowNoiseᵢⱼ to <paramref name="output"/>, for
    /// transfers that are not one product with the weights.</summary>
    protected void AddSlowNoise(ReadOnlySpan<float> features, int batch, int rows, Span<float> output)
    {
        if (_slowNoise is null)
        {
            return;
        }

        var n = batch * Conversions;
        var added = _std.Take(n);
        Blas.Gemm(batch, Conversions, rows, features, _slowNoise.AsSpan(0, rows * Conversions), added);
        TensorPrimitives.Add(output[..n], added, output[..n]);
    }

    // Per thread rather than per core: a tile's core is rebuilt after every programming, and fresh buffers for each
    // new core cost more than the products they serve. Evaluate finishes with them before it returns.
    [ThreadStatic]
    private static ScratchBuffer<float> _squared;

    [ThreadStatic]
    private static ScratchBuffer<float> _std;

    [ThreadStatic]
    private static ScratchBuffer<float> _normals;

    private bool HasColumnOffset => _hasColumnOffset ??= ColumnOffset.Any(o => o != 0);

    private bool? _hasColumnOffset;
    private double? _onesResponse;
    private float[]? _slowNoise;
    private float[]? _noisyWeights;
    private float[]? _spareVariance;
    private float[]? _spareSlowNoise;
    private float[]? _spareNoisyWeights;

    /// <summary>A zeroed Rows × Conversions array for <see cref="NoiseVariance"/>: the current one, a retired view's, or new.</summary>
    public float[] ZeroedVarianceBuffer() => Zeroed(NoiseVariance ?? TakeSpare(ref _spareVariance));

    /// <summary>A zeroed Rows × Conversions array for <see cref="SlowNoise"/>: the current one, a retired view's, or new.</summary>
    public float[] ZeroedSlowNoiseBuffer() => Zeroed(_slowNoise ?? TakeSpare(ref _spareSlowNoise));

    private float[] TakeSpare(ref float[]? spare)
    {
        var array = spare ?? new float[Weights.Length];
        spare = null;
        return array;
    }

    private static float[] Zeroed(float[] array)
    {
        Array.Clear(array);
        return array;
    }

    /// <summary>Σ over conversions of |response to an all-ones input| without read noise: the drift-compensation
    /// reference read.</summary>
    public double OnesResponse() => _onesResponse ??= ComputeOnesResponse();

    private double ComputeOnesResponse()
    {
        // Row by row (a column at a time strides a whole row apart), each column's sum in the same order as before.
        var sums = new double[Conversions];
        for (var c = 0; c < Conversions; c++)
        {
            sums[c] = ColumnOffset[c];
        }

        for (var i = 0; i < Rows; i++)
        {
            var row = Weights.AsSpan(i * Conversions, Conversions);
            for (var c = 0; c < Conversions; c++)
            {
                sums[c] += row[c];
            }
        }

        double total = 0;
        for (var c = 0; c < Conversions; c++)
        {
            total += Math.Abs(sums[c]);
        }

        return total;
    }
}
