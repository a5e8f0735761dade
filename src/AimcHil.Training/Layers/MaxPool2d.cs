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

    private protected override float Fill => float.NegativeInfinity;

    private protected override void Pool(Grid<float> patches, Grid<float> pooled)
    {
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
