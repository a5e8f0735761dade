using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>The patch geometry of a 2-D sliding window over images of one shape: <see cref="Unfold"/> lays every
/// window out as a row (im2col), so a convolution becomes one matrix product and an analog convolution one batch of
/// crossbar MVMs; <see cref="Fold"/> is its adjoint (col2im) for the backward pass.</summary>
/// <remarks>Images are grid rows in NCHW order (<see cref="ImageShape"/>). Patch row n·<see cref="Positions"/> + p holds
/// the window of example n at output position p = oy·<see cref="OutputWidth"/> + ox; column c·kh·kw + ky·kw + kx holds
/// input (c, oy·stride − padding + ky, ox·stride − padding + kx), so the patch matrix times Wᵀ, with W the
/// out × (C·kh·kw) matrix view of a PyTorch Conv2d weight, gives the convolution, as <c>torch.nn.functional.unfold</c>
/// transposed.</remarks>
public sealed class Im2Col
{
    /// <param name="layer">The layer this geometry serves, named in error messages.</param>
    /// <exception cref="ArgumentException">The kernel does not fit the padded image.</exception>
    public Im2Col(ImageShape input, int kernelHeight, int kernelWidth, int stride = 1, int padding = 0, string layer = "im2col")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var paddedHeight = input.Height + (2 * padding);
        var paddedWidth = input.Width + (2 * padding);
        if (kernelHeight > paddedHeight || kernelWidth > paddedWidth)
        {
            var image = padding == 0
                ? $"the {input.Height}×{input.Width} image"
                : $"the {input.Height}×{input.Width} image padded to {paddedHeight}×{paddedWidth}";
            throw new ArgumentException($"{layer}: a {kernelHeight}×{kernelWidth} kernel does not fit {image}");
        }

        Input = input;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
        OutputHeight = ((paddedHeight - kernelHeight) / stride) + 1;
        OutputWidth = ((paddedWidth - kernelWidth) / stride) + 1;
        Positions = checked(OutputHeight * OutputWidth);
        PatchSize = checked(input.Channels * kernelHeight * kernelWidth);
    }

    /// <summary>The shape of one input example.</summary>
    public ImageShape Input { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int Stride { get; }

    /// <summary>Rows and columns added on every side of each channel; what they hold is <see cref="Unfold"/>'s fill.</summary>
    public int Padding { get; }

    /// <summary>floor((H + 2·padding − kh) / stride) + 1, as PyTorch (windows never run past the padded image).</summary>
    public int OutputHeight { get; }

    /// <summary>floor((W + 2·padding − kw) / stride) + 1.</summary>
    public int OutputWidth { get; }

    /// <summary>Windows per example: <see cref="OutputHeight"/> · <see cref="OutputWidth"/>.</summary>
    public int Positions { get; }

    /// <summary>Values per window: channels · kh · kw, the columns of the patch matrix.</summary>
    public int PatchSize { get; }

    /// <summary>The shape of one output example of a layer with <paramref name="channels"/> output channels.</summary>
    public ImageShape Output(int channels) => new(channels, OutputHeight, OutputWidth);

    /// <summary>The (N·<see cref="Positions"/>) × <see cref="PatchSize"/> patch matrix of N images.</summary>
    /// <param name="fill">What the padding holds: 0 for a convolution, −∞ for max pooling.</param>
    /// <param name="into">A patch matrix of an earlier call that nothing reads any more, overwritten when it has the
    /// shape (a hil step's patches are megabytes, and fresh ones cost the kernel's page clearing every step).</param>
    public Grid<float> Unfold(Grid<float> images, float fill = 0f, Grid<float>? into = null)
    {
        CheckImages(images);
        // The walk writes only values that lie over the image; without padding that is all of them.
        var rows = checked(images.Rows * Positions);
        var reused = into is not null && into.Rows == rows && into.Cols == PatchSize;
        var patches = reused
            ? into!
            : Padding == 0
                ? new Grid<float>(rows, PatchSize, GC.AllocateUninitializedArray<float>(checked(rows * PatchSize)))
                : new Grid<float>(rows, PatchSize);
        if (Padding > 0 && (fill != 0f || reused))
        {
            patches.Data.AsSpan().Fill(fill);
        }

        Walk(images.Data, images.Rows, patches.Data, default(CopyOut));
        return patches;
    }

    /// <summary>The exact adjoint of <see cref="Unfold"/> (col2im): each patch value is added back to the input pixel
    /// it came from, so pixels shared by overlapping windows sum their gradients and padding drops out.</summary>
    public Grid<float> Fold(Grid<float> patchGradient)
    {
        if (patchGradient.Cols != PatchSize || patchGradient.Rows % Positions != 0)
        {
            throw new ArgumentException($"a patch gradient has {PatchSize} columns and a multiple of {Positions} rows, not {patchGradient.Rows}×{patchGradient.Cols}", nameof(patchGradient));
        }

        var batch = patchGradient.Rows / Positions;
        var images = new Grid<float>(batch, Input.Size);
        Walk(images.Data, batch, patchGradient.Data, default(AddBack));
        return images;
    }

    /// <summary>Turns one row per (example, position) with K values, (N·P) × K, into one row per example in NCHW
    /// order, N × (K·P): the layout of a convolution's output with K channels.</summary>
    public static Grid<float> PositionsToChannels(Grid<float> rows, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (rows.Rows % batch != 0)
        {
            throw new ArgumentException($"{rows.Rows} rows are not whole examples of a batch of {batch}", nameof(rows));
        }

        var positions = rows.Rows / batch;
        return TransposeEach(rows, batch, positions, rows.Cols, new Grid<float>(batch, rows.Cols * positions));
    }

    /// <summary>The inverse of <see cref="PositionsToChannels"/>: N × (K·P) NCHW rows to (N·P) × K, e.g. a
    /// convolution's output gradient back to one row per window.</summary>
    public static Grid<float> ChannelsToPositions(Grid<float> images, int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        if (images.Cols % positions != 0)
        {
            throw new ArgumentException($"{images.Cols} values per example are not whole channels of {positions} positions", nameof(images));
        }

        var channels = images.Cols / positions;
        return TransposeEach(images, images.Rows, channels, positions, new Grid<float>(images.Rows * positions, channels));
    }

    // Each example's block of source is rows × cols row-major and becomes cols × rows in destination: written
    // contiguously, read with a stride.
    private static Grid<float> TransposeEach(Grid<float> source, int examples, int rows, int cols, Grid<float> destination)
    {
        var block = rows * cols;
        for (var n = 0; n < examples; n++)
        {
            var from = source.Data.AsSpan(n * block, block);
            var to = destination.Data.AsSpan(n * block, block);
            for (var c = 0; c < cols; c++)
            {
                var line = to.Slice(c * rows, rows);
                var column = from[c..];
                for (var r = 0; r < line.Length; r++)
                {
                    line[r] = column[r * cols];
                }
            }
        }

        return destination;
    }

    private void CheckImages(Grid<float> images)
    {
        if (images.Cols != Input.Size)
        {
            throw new ArgumentException($"images of shape {Input} have {Input.Size} values, not {images.Cols}", nameof(images));
        }
    }

    // Visits every kernel row of every window in patch-matrix order, clipped to the part that lies over the image:
    // `count` patch values from `patch` on pair with image values from `pixel` on; what is clipped away lies over the
    // padding. Unfold and Fold share this walk, so they are adjoint by construction. Each run is contiguous in both
    // matrices (measured faster than runs along an output row, which write with a stride), the clipping is worked out
    // once per window, and the run is a struct the JIT compiles into the loop. The ranges are exact, so the runs go
    // through refs without per-element bounds checks; the asserts state what the clipping guarantees.
    private void Walk<TRun>(Span<float> images, int batch, Span<float> patches, TRun run)
        where TRun : struct, IPatchRun
    {
        var (channels, height, width) = Input;
        var plane = height * width;
        var kh = KernelHeight;
        var kw = KernelWidth;
        Debug.Assert(images.Length == batch * Input.Size && patches.Length == batch * Positions * PatchSize);
        ref var images0 = ref MemoryMarshal.GetReference(images);
        ref var patches0 = ref MemoryMarshal.GetReference(patches);
        var window = 0;
        for (var n = 0; n < batch; n++, window += Positions * PatchSize)
        {
            var image = n * Input.Size;
            for (var oy = 0; oy < OutputHeight; oy++)
            {
                // Kernel rows [firstRow, endRow) and columns [firstColumn, firstColumn + count) lie over the image.
                var top = (oy * Stride) - Padding;
                var firstRow = Math.Clamp(-top, 0, kh);
                var endRow = Math.Clamp(height - top, firstRow, kh);
                for (var ox = 0; ox < OutputWidth; ox++)
                {
                    var left = (ox * Stride) - Padding;
                    var firstColumn = Math.Clamp(-left, 0, kw);
                    var count = Math.Clamp(width - left, firstColumn, kw) - firstColumn;
                    var patch = window + (((oy * OutputWidth) + ox) * PatchSize) + firstColumn;
                    var pixel = image + left + firstColumn;
                    for (var c = 0; c < channels && count > 0; c++)
                    {
                        for (var ky = firstRow; ky < endRow; ky++)
                        {
                            var at = patch + (((c * kh) + ky) * kw);
                            var from = pixel + (c * plane) + ((top + ky) * width);
                            Debug.Assert(at + count <= patches.Length && from >= 0 && from + count <= images.Length);
                            run.Run(ref Unsafe.Add(ref patches0, at), ref Unsafe.Add(ref images0, from), count);
                        }
                    }
                }
            }
        }
    }

    private interface IPatchRun
    {
        void Run(ref float patch, ref float pixel, int count);
    }

    private readonly struct CopyOut : IPatchRun
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(ref float patch, ref float pixel, int count)
        {
            // Kernel rows are short (3, 5, 7 values): four at a time, then the rest, beats a call to a copy routine.
            var i = 0;
            for (; i + 4 <= count; i += 4)
            {
                Vector128.LoadUnsafe(ref pixel, (nuint)i).StoreUnsafe(ref patch, (nuint)i);
            }

            for (; i < count; i++)
            {
                Unsafe.Add(ref patch, i) = Unsafe.Add(ref pixel, i);
            }
        }
    }

    private readonly struct AddBack : IPatchRun
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(ref float patch, ref float pixel, int count)
        {
            var i = 0;
            for (; i + 4 <= count; i += 4)
            {
                (Vector128.LoadUnsafe(ref pixel, (nuint)i) + Vector128.LoadUnsafe(ref patch, (nuint)i)).StoreUnsafe(ref pixel, (nuint)i);
            }

            for (; i < count; i++)
            {
                Unsafe.Add(ref pixel, i) += Unsafe.Add(ref patch, i);
            }
        }
    }
}
