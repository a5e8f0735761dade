using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Training.Runs;

/// <summary>Every setting of a training run; stored with the run so it can be repeated and resumed.</summary>
public sealed record TrainingOptions
{
    public TrainingMode Mode { get; init; } = TrainingMode.Software;

    /// <summary>The built-in model: "mlp" (sized by <see cref="Layers"/>) or "lenet".</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Layer sizes of the MLP, inputs first.</summary>
    public int[] Layers { get; init; } = [784, 256, 10];

    public int Epochs { get; init; } = 5;

    public int BatchSize { get; init; } = 64;

    /// <summary>"adam" or "sgd" (momentum 0.9).</summary>
    public string Optimizer { get; init; } = "adam";

    public float LearningRate { get; init; } = 1e-3f;

    public ulong Seed { get; init; } = 1;

    public string Reprogram { get; init; } = "every:1";

    /// <summary>hil: the model whose Jacobian the backward pass uses, "ideal" (y = x·W), "physical" (the deterministic
    /// physics of the chip's own emulator design at the measured inputs) or "calibrated" (the digital twin of
    /// <see cref="TwinPath"/>: its physics and this chip's measured column gains and stuck devices).</summary>
    public string BackwardModel { get; init; } = "ideal";

    /// <summary>A calibrated digital twin (the emulator rig file <c>aimc calibrate</c> wrote): the model of
    /// <c>--backward-model calibrated</c>, and of physical mode in place of the chip's emulator design.</summary>
    public string? TwinPath { get; init; }

    /// <summary>Programming of the chip: write-verify (tolerance, pulses) or a single pulse.</summary>
    public bool WriteVerify { get; init; }

    public double WriteVerifyTolerance { get; init; } = 0.02;

    public int WriteVerifyMaxPulses { get; init; } = 20;

    /// <summary>Use only the first N training examples (0 = all): quick runs and tests.</summary>
    public int TrainLimit { get; init; }

    /// <summary>Use only the first N test examples (0 = all).</summary>
    public int TestLimit { get; init; }

    /// <summary>Quantile of a hidden layer's activations that maps to the DAC's full scale.</summary>
    public double InputRangeQuantile { get; init; } = 0.999;

    public WriteVerifyOptions Programming => WriteVerify
        ? new WriteVerifyOptions(true, WriteVerifyTolerance, WriteVerifyMaxPulses)
        : WriteVerifyOptions.SinglePulse;

    public ReprogramPolicy ReprogramPolicy => ReprogramPolicy.Parse(Reprogram);

    public bool NeedsChip => Mode != TrainingMode.Software;

    /// <summary>Beyond this no optimizer here converges: the first step throws every weight out of range.</summary>
    public const float MaxLearningRate = 10;

    /// <summary>Refuses settings no run can use (from the command line or a run's settings.json), before any data is
    /// loaded or memory allocated.</summary>
    public void Validate()
    {
        if (Epochs < 0 || BatchSize < 1)
        {
            throw new AimcException($"epochs must be ≥ 0 and the batch size ≥ 1 (got {Epochs} and {BatchSize})");
        }

        if (!(LearningRate > 0 && LearningRate <= MaxLearningRate))
        {
            throw new AimcException($"the learning rate must be greater than 0 and at most {MaxLearningRate} (got {LearningRate.ToString(CultureInfo.InvariantCulture)}): give --lr, e.g. 1e-3");
        }

        if (Model == "mlp")
        {
            NetworkFootprint.Check(Layers);
        }
    }
}
