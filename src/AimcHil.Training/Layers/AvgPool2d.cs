using System.Numerics.Tensors;
using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Average pooling as PyTorch's <c>torch.nn.AvgPool2d(kernel_size, stride, padding)</c> with its default
/// count_include_pad = true: padding holds zeros that count, so every window divides by kernel_size².</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
    : Pool2d("avgpool2d", kernelSize, stride, padding)
{
    private protected override float Fill => 0f;

    private protected override void Pool(Grid<float> patches, Grid<float> pooled)
    {
        var window = Window;
        for (var r = 0; r < pooled.Rows; r++)
        {
            var patch = patches.Row(r);
            var output = pooled.Row(r);
            for (var c = 0; c < output.Length; c++)
            {
                output[c] = TensorPrimitives.Sum(patch.Slice(c * window, window)) / window;
            }
        }
    }

    private protected override void Unpool(Grid<float> pooledGradient, Grid<float> patchGradient)
    {
        var window = Window;
        for (var r = 0; r < pooledGradient.Rows; r++)
        {
            var gradient = pooledGradient.Row(r);
            var patch = patchGradient.Row(r);
            for (var c = 0; c < gradient.Length; c++)
            {
                patch.Slice(c * window, window).Fill(gradient[c] / window);
            }
        }
    }
}
