using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>A layer whose weight matrix sits on chip tiles, as aihwkit's analog layers do: a Linear itself, or a Conv2d
/// whose kernel runs over every image patch as one MVM.</summary>
public interface IAnalogLayer : ILayer
{
    /// <summary>The layer's name in the model, e.g. "0" for the first module of an nn.Sequential.</summary>
    string Name { get; }

    /// <summary>The PyTorch module it stands for: "Linear" or "Conv2d".</summary>
    string Kind { get; }

    /// <summary>The matrix on the tiles (inputs on the word lines, outputs on the bit lines) with its shadow weights,
    /// programming and forward paths.</summary>
    AnalogLinear Crossbar { get; }

    /// <summary>Tile MVMs one example (sample) costs: the tiles the matrix spans times the positions it is applied at.</summary>
    int MvmsPerSample { get; }
}
