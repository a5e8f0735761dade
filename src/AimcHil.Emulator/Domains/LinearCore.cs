using AimcHil.Numerics;
using System.Numerics.Tensors;

namespace AimcHil.Emulator.Domains;

/// <summary>A tile's compute view at one device age: every conversion is a linear map of the input features plus
/// Gaussian noise, so a batch costs one matrix product (and one more for device read noise).</summary>
/// <remarks>
/// Conversion units are the domain's own (MAC units for analog domains, unit-capacitor counts for bit-serial ones).
/// Device read noise enters as its output-referred variance Σᵢ σᵢⱼ² xᵢ² (DESIGN.md 3, second performance rule).
/// </remarks>
internal sealed class LinearCore
{
    public LinearCore(int rows, int conversions)
    {
        Rows = rows;
        Conversions = conversions;
        Weights = new float[rows * conversions];
        ColumnOffset = new float[conversions];
    }

    public int Rows { get; }

    /// <summary>Analog conversions per MVM and input phase (physical ADC inputs).</summary>
    public int Conversions { get; }

    /// <summary>Rows × Conversions: conversion units per unit input feature.</summary>
    public float[] Weights { get; }

    /// <summary>Rows × Conversions: variance of one read per unit squared input feature; null when noiseless.</summary>
    public float[]? NoiseVariance { get; set; }

    /// <summary>Multiplies the device read-noise standard deviation; lets read noise follow device age between rebuilds.</summary>
    public float NoiseStdScale { get; set; } = 1f;

    /// <summary>Static offset of each conversion.</summary>
    public float[] ColumnOffset { get; }

    /// <summary>Per-conversion noise independent of the inputs (kT/C, jitter).</summary>
    public float OutputNoiseSigma { get; set; }

    /// <summary>Analog conversion values for a batch of input features (batch × <paramref name="rows"/>, the first
    /// rows of the tile; the others are driven at zero) into <paramref name="output"/> (batch × Conversions).</summary>
    public void Evaluate(ReadOnlySpan<float> features, int batch, int rows, Span<float> output, SeededRandom rng)
    {
        // Rows beyond the inputs carry 0 V and add nothing: the product skips them.
        var active = rows * Conversions;
        Blas.Gemm(batch, Conversions, rows, features, Weights.AsSpan(0, active), output);
        var n = batch * Conversions;
        if (NoiseVariance is { } variance)
        {
            var squared = _squared.Take(features.Length);
            TensorPrimitives.Multiply(features, features, squared);
            var std = _std.Take(n);
            Blas.Gemm(batch, Conversions, rows, squared, variance.AsSpan(0, active), std);
            TensorPrimitives.Sqrt(std, std);
            var xi = _normals.Take(n);
            rng.FillStandardNormal(xi);
            if (NoiseStdScale != 1f)
            {
                TensorPrimitives.Multiply(xi, NoiseStdScale, xi);
            }

            TensorPrimitives.MultiplyAdd(std, xi, output[..n], output[..n]);
        }

        if (HasColumnOffset)
        {
            for (var s = 0; s < batch; s++)
            {
                TensorPrimitives.Add(output.Slice(s * Conversions, Conversions), ColumnOffset, output.Slice(s * Conversions, Conversions));
            }
        }

        if (OutputNoiseSigma > 0)
        {
            var xi = _normals.Take(n);
            rng.FillStandardNormal(xi);
            TensorPrimitives.MultiplyAdd(xi, OutputNoiseSigma, output[..n], output[..n]);
        }
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

    /// <summary>Σ over conversions of |response to an all-ones input|: the drift-compensation reference read.</summary>
    public double OnesResponse() => _onesResponse ??= ComputeOnesResponse();

    private double ComputeOnesResponse()
    {
        double total = 0;
        for (var c = 0; c < Conversions; c++)
        {
            double sum = ColumnOffset[c];
            for (var i = 0; i < Rows; i++)
            {
                sum += Weights[(i * Conversions) + c];
            }

            total += Math.Abs(sum);
        }

        return total;
    }
}
