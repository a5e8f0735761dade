using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Layers applied one after another; backward runs them in reverse.</summary>
public sealed class Sequential : ILayer
{
    public Sequential(IEnumerable<ILayer> layers)
    {
        Layers = [.. layers];
        Parameters = [.. Layers.SelectMany(layer => layer.Parameters)];
        var duplicate = Parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // Checkpoints and optimizer state are keyed by name, so two parameters sharing one would overwrite each other.
            throw new ArgumentException($"two parameters are named '{duplicate.Key}'; parameter names must be unique within a model", nameof(layers));
        }
    }

    public Sequential(params ILayer[] layers)
        : this((IEnumerable<ILayer>)layers)
    {
    }

    public IReadOnlyList<ILayer> Layers { get; }

    /// <summary>Every layer's parameters, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        var x = input;
        foreach (var layer in Layers)
        {
            x = layer.Forward(x, training);
        }

        return x;
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        var g = outputGradient;
        for (var i = Layers.Count - 1; i >= 0; i--)
        {
            g = Layers[i].Backward(g);
        }

        return g;
    }

    /// <summary><see cref="Backward"/> whose first layer computes its parameter gradients only.</summary>
    public void BackwardToParameters(Grid<float> outputGradient)
    {
        var g = outputGradient;
        for (var i = Layers.Count - 1; i > 0; i--)
        {
            g = Layers[i].Backward(g);
        }

        if (Layers.Count > 0)
        {
            Layers[0].BackwardToParameters(g);
        }
    }

    /// <summary>Binds every layer in turn, so a model whose layers do not fit together is refused when it is built.</summary>
    public ImageShape Bind(ImageShape input)
    {
        var shape = input;
        foreach (var layer in Layers)
        {
            shape = layer.Bind(shape);
        }

        return shape;
    }

    public void ZeroGradients()
    {
        foreach (var parameter in Parameters)
        {
            parameter.ZeroGradient();
        }
    }
}
