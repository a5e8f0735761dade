using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>A differentiable stage of a network working on batches (one example per row of a grid).</summary>
public interface ILayer
{
    /// <summary>The layer's trainable parameters, empty for parameter-free layers.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Maps a batch × in grid to batch × out and remembers what <see cref="Backward"/> needs;
    /// <paramref name="training"/> is false for evaluation, where layers such as noise injection behave differently.</summary>
    /// <remarks>Layers keep the input by reference rather than copying it, so the caller must not overwrite the input
    /// grid between Forward and Backward.</remarks>
    Grid<float> Forward(Grid<float> input, bool training);

    /// <summary>Gradient of the loss with respect to the input of the last <see cref="Forward"/>; ADDS the parameter
    /// gradients to <see cref="Parameter.Gradient"/>, so callers zero them once per step (and may accumulate batches).</summary>
    Grid<float> Backward(Grid<float> outputGradient);

    /// <summary>Adds the parameter gradients <see cref="Backward"/> adds, bit for bit, without the input gradient: what
    /// a network's first layer, whose input is data, needs (PyTorch skips it too, the input not requiring a gradient).
    /// By default <see cref="Backward"/>, its result dropped.</summary>
    void BackwardToParameters(Grid<float> outputGradient) => Backward(outputGradient);

    /// <summary>Checks that the layer takes examples of shape <paramref name="input"/> and returns the shape of its
    /// output, so a model is checked once when it is built rather than at its first batch; spatial layers also fix
    /// their image size here (element-wise layers keep the shape).</summary>
    /// <exception cref="ArgumentException">The layer cannot take this shape; the message says what it takes.</exception>
    ImageShape Bind(ImageShape input) => input;
}
