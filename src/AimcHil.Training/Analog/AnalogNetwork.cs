using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>An MLP whose linear layers are mapped onto a chip's tiles (ReLU between them, computed on the host).</summary>
public sealed class AnalogNetwork
{
    private AnalogNetwork(Sequential model, IReadOnlyList<AnalogLinear> analog)
    {
        Model = model;
        Analog = analog;
    }

    public Sequential Model { get; }

    public IReadOnlyList<AnalogLinear> Analog { get; }

    public IReadOnlyList<Parameter> Parameters => Model.Parameters;

    /// <summary>An MLP of the given sizes with He-initialized weights, its layers allocated on <paramref name="chip"/>'s tiles.</summary>
    public static AnalogNetwork Create(int[] sizes, ChipInfo chip, SeededRandom rng)
    {
        var software = Mlp.Create(sizes, rng);
        var tiles = new TileAllocation(chip);
        var layers = new List<ILayer>();
        var analog = new List<AnalogLinear>();
        foreach (var layer in software.Layers)
        {
            if (layer is Linear linear)
            {
                var mapped = new AnalogLinear(linear, tiles.Allocate(linear.Name, linear.Inputs, linear.Outputs), chip, 1f);
                analog.Add(mapped);
                layers.Add(mapped);
            }
            else
            {
                layers.Add(layer);
            }
        }

        return new AnalogNetwork(new Sequential(layers), analog);
    }

    /// <summary>A chip description for software-only runs: one unbounded tile per layer, so mapping never fails.</summary>
    public static ChipInfo UnboundedChip(int[] sizes) => new()
    {
        Name = "software",
        Domain = ComputationDomain.Current,
        Device = DeviceTechnology.Pcm,
        Rows = sizes.Max(),
        Cols = sizes.Max(),
        Tiles = sizes.Length,
        WeightEncoding = WeightEncoding.DifferentialPair,
        WeightLevels = 0,
        DacBits = 16,
        AdcBits = 16,
        InputFullScale = 1,
        InputUnit = "1",
        OutputFullScale = 1,
        OutputUnit = "1",
        MacFullScale = sizes.Max(),
        AdcCodeMin = short.MinValue,
        AdcCodeMax = short.MaxValue,
        Transport = "none",
        NonIdealities = [],
    };

    public void SetPath(ForwardPath path)
    {
        foreach (var layer in Analog)
        {
            layer.Path = path;
        }
    }

    /// <summary>Gives every layer a sampler of the emulated chip's programming noise (noise mode).</summary>
    public void UseNoiseModel(EmulatedChip twin, ulong seed)
    {
        foreach (var layer in Analog)
        {
            layer.Noise = new ProgrammingNoiseSampler(twin.Device, twin.Physics.Encoding, SeededRandom.For(seed, $"noise/{layer.Name}"));
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

    /// <summary>Sets each layer's DAC range: 1 for the first layer (inputs in [0, 1]); for later layers the
    /// <paramref name="quantile"/> of their input activations on <paramref name="calibration"/>, computed in software.</summary>
    public void CalibrateInputRanges(Grid<float> calibration, double quantile)
    {
        var previous = Analog.Select(a => a.Path).ToArray();
        SetPath(ForwardPath.Software);
        var x = calibration;
        var first = true;
        foreach (var layer in Model.Layers)
        {
            if (layer is AnalogLinear analog)
            {
                analog.InputRange = first ? 1f : Quantile(x.Data, quantile);
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
