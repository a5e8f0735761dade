using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Max pooling as PyTorch's <c>torch.nn.MaxPool2d(kernel_size, stride, padding)</c>: padding holds −∞, so it
/// never wins, and the gradient goes to the arg-max of each window alone.</summary>
/// <remarks>Ties go to the first maximum in row-major window order (top row first, then left to right), as PyTorch's
/// CPU kernel does; a NaN in a window wins, so it propagates as in PyTorch.</remarks>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
    : Pool2d("maxpool2d", kernelSize, stride, padding)
{
    // Per pooled value, the index into the patch matrix of the value that won.
    private int[]? _winners;

    // After a tiled forward, per output value the index into the input images of the value that won; else null.
    private int[]? _imageWinners;

    private protected override float Fill => float.NegativeInfinity;

    private protected override Grid<float> PoolTiled(Grid<float> images, Im2Col geometry)
    {
        var (channels, height, width) = geometry.Input;
        int outHeight = geometry.OutputHeight, outWidth = geometry.OutputWidth, k = KernelSize;
        var pooled = new Grid<float>(images.Rows, channels * outHeight * outWidth);
        var winners = new int[pooled.Data.Length];
        var data = images.Data;
        var o = 0;
        for (var plane = 0; plane < images.Rows * channels; plane++)
        {
            var origin = plane * height * width;
            for (var oy = 0; oy < outHeight; oy++)
            {
                for (var ox = 0; ox < outWidth; ox++, o++)
                {
                    // The patch path's order: the window's top row first, left to right; the first maximum wins.
                    var corner = origin + (oy * k * width) + (ox * k);
                    var best = corner;
                    var max = data[corner];
                    for (var ky = 0; ky < k; ky++)
                    {
                        var line = corner + (ky * width);
                        for (var kx = ky == 0 ? 1 : 0; kx < k; kx++)
                        {
                            var v = data[line + kx];
                            if (v > max || float.IsNaN(v))
                            {
                                max = v;
                                best = line + kx;
                            }
                        }
                    }

                    pooled.Data[o] = max;
                    winners[o] = best;
                }
            }
        }

        _imageWinners = winners;
        return pooled;
    }

    private protected override Grid<float>? UnpoolTiled(Grid<float> outputGradient, Im2Col geometry)
    {
        if (_imageWinners is not { } winners)
        {
            return null;
        }

        var gradient = new Grid<float>(outputGradient.Rows, geometry.Input.Size);
        var from = outputGradient.Data;
        for (var o = 0; o < winners.Length; o++)
        {
            // As the patch path's fold adds it onto zero: 0 + (−0) is +0.
            var g = from[o];
            gradient.Data[winners[o]] = g == 0f ? 0f : g;
        }

        return gradient;
    }

    private protected override void Pool(Grid<float> patches, Grid<float> pooled)
    {
        _imageWinners = null;
        var window = Window;
        var winners = new int[pooled.Data.Length];
        for (var r = 0; r < pooled.Rows; r++)
        {
            var patch = patches.Row(r);
            var output = pooled.Row(r);
            for (var c = 0; c < output.Length; c++)
            {
                var values = patch.Slice(c * window, window);
                var best = 0;
                var max = values[0];
                for (var k = 1; k < values.Length; k++)
                {
                    var v = values[k];
                    if (v > max || float.IsNaN(v))
                    {
                        max = v;
                        best = k;
                    }
                }

                output[c] = max;
                winners[(r * output.Length) + c] = (r * patches.Cols) + (c * window) + best;
            }
        }

        _winners = winners;
    }

    private protected override void Unpool(Grid<float> pooledGradient, Grid<float> patchGradient)
    {
        var winners = _winners!;
        var gradient = pooledGradient.Data;
        var patches = patchGradient.Data;
        for (var i = 0; i < gradient.Length; i++)
        {
            patches[winners[i]] = gradient[i];
        }
    }
}
