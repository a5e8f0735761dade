using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>A model whose Linear and Conv2d layers are mapped onto a chip's tiles (aihwkit's <c>convert_to_analog</c>);
/// every other layer (ReLU, pooling, flatten, dropout) runs on the host.</summary>
public sealed class AnalogNetwork
{
    private AnalogNetwork(Sequential model, IReadOnlyList<IAnalogLayer> layers)
    {
        Model = model;
        AnalogLayers = layers;
        Analog = [.. layers.Select(layer => layer.Crossbar)];
    }

    /// <summary>The mapped model: the software model with its Linear and Conv2d layers replaced by analog ones that
    /// share their parameters.</summary>
    public Sequential Model { get; }

    /// <summary>The analog layers in model order.</summary>
    public IReadOnlyList<IAnalogLayer> AnalogLayers { get; }

    /// <summary>The matrices on the tiles, one per analog layer, in model order.</summary>
    public IReadOnlyList<AnalogLinear> Analog { get; }

    public IReadOnlyList<Parameter> Parameters => Model.Parameters;

    /// <summary>Tile MVMs one example (sample) costs on the chip (every analog layer, every tile, every position).</summary>
    public int MvmsPerSample => AnalogLayers.Sum(layer => layer.MvmsPerSample);

    /// <summary>An MLP of the given sizes with He-initialized weights, its layers allocated on <paramref name="chip"/>'s tiles.</summary>
    public static AnalogNetwork Create(int[] sizes, ChipInfo chip, SeededRandom rng) => Map(Mlp.Create(sizes, rng), chip);

    /// <summary>Places every Linear and Conv2d of <paramref name="model"/> (which must be bound to its input shape) on
    /// <paramref name="chip"/>'s tiles, in model order; the analog layers share the model's parameters.</summary>
    /// <exception cref="AimcException">The model needs more tiles than the chip has; the message lists what each layer needs.</exception>
    public static AnalogNetwork Map(Sequential model, ChipInfo chip)
    {
        var matrices = model.Layers.Select(CrossbarMatrix.Of).OfType<CrossbarMatrix>().ToList();
        var needs = matrices.Select(m => TileAllocation.TilesFor(chip, m.Inputs, m.Outputs)).ToList();
        if (needs.Sum() > chip.Tiles)
        {
            var each = string.Join(", ", matrices.Select((m, k) => $"{m.Name} ({m.Kind}, {m.Inputs}×{m.Outputs}) {needs[k]}"));
            throw new AimcException(
                $"the model needs {needs.Sum()} tiles of {chip.Rows}×{chip.Cols} but the chip {chip.Name} has {chip.Tiles}: {each}; " +
                "use a chip with more tiles or a smaller model");
        }

        var tiles = new TileAllocation(chip);
        var layers = new List<ILayer>();
        var analog = new List<IAnalogLayer>();
        foreach (var layer in model.Layers)
        {
            var matrix = CrossbarMatrix.Of(layer);
            IReadOnlyList<TileBlock> blocks = matrix is null ? [] : tiles.Allocate(matrix.Name, matrix.Inputs, matrix.Outputs);
            IAnalogLayer? mapped = layer switch
            {
                Linear linear => new AnalogLinear(linear, blocks, chip, 1f),
                Conv2d conv => new AnalogConv2d(conv, blocks, chip),
                _ => null,
            };
            if (mapped is not null)
            {
                analog.Add(mapped);
            }

            layers.Add(mapped ?? layer);
        }

        return new AnalogNetwork(new Sequential(layers), analog);
    }

    /// <summary>A chip description for software-only runs: one tile per analog layer, as large as the largest
    /// matrix, so mapping never fails.</summary>
    public static ChipInfo UnboundedChip(Sequential model)
    {
        var matrices = model.Layers.Select(CrossbarMatrix.Of).OfType<CrossbarMatrix>().ToList();
        var rows = matrices.Count == 0 ? 1 : matrices.Max(m => m.Inputs);
        var cols = matrices.Count == 0 ? 1 : matrices.Max(m => m.Outputs);
        return new ChipInfo
        {
            Name = "software",
            Domain = ComputationDomain.Current,
            Device = DeviceTechnology.Pcm,
            Rows = rows,
            Cols = cols,
            Tiles = Math.Max(1, matrices.Count),
            WeightEncoding = WeightEncoding.DifferentialPair,
            WeightLevels = 0,
            DacBits = 16,
            AdcBits = 16,
            InputFullScale = 1,
            InputUnit = "1",
            OutputFullScale = 1,
            OutputUnit = "1",
            MacFullScale = Math.Max(rows, cols),
            AdcCodeMin = short.MinValue,
            AdcCodeMax = short.MaxValue,
            Transport = "none",
            NonIdealities = [],
        };
    }

    public void SetPath(ForwardPath path)
    {
        foreach (var layer in Analog)
        {
            layer.Path = path;
        }
    }

    /// <summary>Gives every layer a sampler of the programming noise of <paramref name="model"/>'s devices (noise mode).</summary>
    public void UseNoiseModel(IChipModel model, ulong seed)
    {
        foreach (var layer in Analog)
        {
            layer.Noise = new ProgrammingNoiseSampler(model.Device, model.Encoding, SeededRandom.For(seed, $"noise/{layer.Name}"));
        }
    }

    /// <summary>Gives every layer the chip's differentiable physics (physical mode, and hil's physical or calibrated
    /// backward model).</summary>
    public void UsePhysics(CrossbarPhysics physics)
    {
        foreach (var layer in Analog)
        {
            layer.Physics = physics;
        }
    }

    /// <summary>Sets each analog layer's DAC range: 1 for the first (inputs in [0, 1]); for later ones the
    /// <paramref name="quantile"/> of their input activations on <paramref name="calibration"/>, computed in software
    /// (for a Conv2d the activations its patches are cut from).</summary>
    public void CalibrateInputRanges(Grid<float> calibration, double quantile)
    {
        var previous = Analog.Select(a => a.Path).ToArray();
        SetPath(ForwardPath.Software);
        var x = calibration;
        var first = true;
        foreach (var layer in Model.Layers)
        {
            if (layer is IAnalogLayer analog)
            {
                analog.Crossbar.InputRange = first ? 1f : Quantile(x.Data, quantile);
                first = false;
            }

            x = layer.Forward(x, training: false);
        }

        for (var k = 0; k < Analog.Count; k++)
        {
            Analog[k].Path = previous[k];
        }
    }

    /// <summary>Programs every layer; returns the pulses spent.</summary>
    public long Program(IAimcChip chip, WriteVerifyOptions options) => Analog.Sum(layer => layer.Program(chip, options));

    /// <summary>Classification accuracy on a dataset along the current forward paths.</summary>
    public double Accuracy(Data.Dataset data, int batchSize = 256)
    {
        var correct = 0;
        var order = Enumerable.Range(0, data.Count).ToArray();
        foreach (var (x, y) in Data.DatasetSlicing.Batches(data, batchSize, order))
        {
            var predicted = SoftmaxCrossEntropy.Predict(Model.Forward(x, training: false));
            for (var k = 0; k < y.Length; k++)
            {
                correct += predicted[k] == y[k] ? 1 : 0;
            }
        }

        return data.Count == 0 ? 0 : (double)correct / data.Count;
    }

    private static float Quantile(float[] values, double quantile)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        var value = sorted[(int)Math.Clamp(Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
        return value > 0 ? value : 1f;
    }
}
