using AimcHil.Core;
using AimcHil.Training.Layers;
using AimcHil.Training.Runs;

namespace AimcHil.Training.Tests.Runs;

/// <summary>The trainer: every mode learns, a resumed run ends exactly like an uninterrupted one, and mistakes are
/// explained.</summary>
public class TrainerTests
{
    public static TheoryData<TrainingMode> EveryMode => [.. Enum.GetValues<TrainingMode>()];

    /// <summary>The toy problem's settings, shared with the other trainer tests.</summary>
    internal static TrainingOptions Options(TrainingMode mode, int epochs = 4) => new()
    {
        Mode = mode,
        Layers = SmallChips.Layers,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 2e-2f,
        Seed = 7,
        Reprogram = "every:5",
    };

    [Theory]
    [MemberData(nameof(EveryMode))]
    public void EveryModeLearnsTheToyProblem(TrainingMode mode)
    {
        var (train, test) = SmallChips.Data();
        using var chip = mode == TrainingMode.Software ? null : SmallChips.Chip();
        var metrics = new List<EpochMetrics>();

        var summary = new Trainer(Options(mode), train, test, chip).Run(null, false, false, null, metrics.Add, CancellationToken.None);

        Assert.Equal(4, summary.Epochs);
        Assert.True(metrics[^1].TrainLoss < 0.6 * metrics[0].TrainLoss, $"{mode}: loss {metrics[0].TrainLoss} → {metrics[^1].TrainLoss}");
        if (mode == TrainingMode.Software)
        {
            Assert.Null(summary.ChipTestAccuracy);
            Assert.Equal(0, summary.ProgrammingPulses);
            Assert.True(summary.SoftwareTestAccuracy > 0.8, $"{mode}: {summary.SoftwareTestAccuracy}");
        }
        else
        {
            Assert.True(summary.ChipTestAccuracy > 0.5, $"{mode}: chip {summary.ChipTestAccuracy} (chance is 1/3)");
            Assert.True(summary.ProgrammingPulses > 0);
        }
    }

    [Fact]
    public void ProgressiveProgramsEachLayerOnceAndFineTunesOnlyTheLaterOnes()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var trainer = new Trainer(Options(TrainingMode.Progressive, 2), train, test, chip);
        var first = (float[])trainer.Network.Analog[0].Shadow.Weight.Value.Clone();

        var summary = trainer.Run(null, false, false, null, null, CancellationToken.None);

        // Layer 1 is programmed and then frozen; layer 2 is fine-tuned on layer 1's measured outputs, then programmed.
        Assert.Equal(first, trainer.Network.Analog[0].Shadow.Weight.Value);
        Assert.Equal(2, summary.Reprograms);
        Assert.Equal(2L * 2 * 16 * 16, summary.ProgrammingPulses);
        Assert.NotNull(summary.ChipTestAccuracy);
    }

    [Fact]
    public void HilWithThePhysicalBackwardModelLearns()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var metrics = new List<EpochMetrics>();

        var summary = new Trainer(Options(TrainingMode.Hil) with { BackwardModel = "physical" }, train, test, chip).Run(null, false, false, null, metrics.Add, CancellationToken.None);

        Assert.True(metrics[^1].TrainLoss < 0.6 * metrics[0].TrainLoss, $"loss {metrics[0].TrainLoss} → {metrics[^1].TrainLoss}");
        Assert.True(summary.ChipTestAccuracy > 0.5);
    }

    [Fact]
    public void HilCountsEveryProgrammingPulse()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();

        var summary = new Trainer(Options(TrainingMode.Hil, epochs: 1), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);

        // 30 steps of 16: programmed at the epoch start and after steps 5, 10, …, 30; one pulse per device of the
        // 16×12 and 12×3 layers, two devices per weight, each on a 16×16 tile that is programmed whole.
        Assert.Equal(7, summary.Reprograms);
        Assert.Equal(7L * 2 * 2 * 16 * 16, summary.ProgrammingPulses);
    }

    [Fact]
    public void ResumedRunEndsExactlyAsAnUninterruptedOne()
    {
        var (train, test) = SmallChips.Data();
        var options = Options(TrainingMode.Hil, epochs: 3);
        var directory = Directory.CreateTempSubdirectory("aimc-resume-").FullName;

        TrainingSummary whole;
        float[][] wholeWeights;
        using (var chip = SmallChips.Chip())
        {
            var trainer = new Trainer(options, train, test, chip);
            whole = trainer.Run(null, false, false, null, null, CancellationToken.None);
            wholeWeights = [.. trainer.Network.Parameters.Select(p => (float[])p.Value.Clone())];
        }

        using (var chip = SmallChips.Chip())
        {
            using var stop = new CancellationTokenSource();
            var first = new Trainer(options, train, test, chip).Run(directory, false, false, null, m =>
            {
                if (m.Epoch == 1)
                {
                    stop.Cancel();
                }
            }, stop.Token);
            Assert.True(first.Interrupted);
            Assert.Equal(1, first.Epochs);
        }

        using (var chip = SmallChips.Chip())
        {
            var trainer = new Trainer(options, train, test, chip);
            var resumed = trainer.Run(directory, true, false, null, null, CancellationToken.None);

            Assert.False(resumed.Interrupted);
            Assert.Equal(whole.ChipTestAccuracy, resumed.ChipTestAccuracy);
            Assert.Equal(whole.ProgrammingPulses, resumed.ProgrammingPulses);
            Assert.Equal(whole.FinalTrainLoss, resumed.FinalTrainLoss);
            for (var p = 0; p < wholeWeights.Length; p++)
            {
                Assert.Equal(wholeWeights[p], trainer.Network.Parameters[p].Value);
            }
        }
    }

    [Fact]
    public void ChipModesNeedAChip()
    {
        var (train, test) = SmallChips.Data();

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil), train, test, null));

        Assert.Equal("mode hil needs a chip: give --rig", e.Message);
    }

    /// <summary>A convolutional model of the caller's own, on 1×4×4 images: its Conv2d kernel (9×4) and Linear (16×3) take a
    /// tile each, and every mode trains it.</summary>
    [Theory]
    [MemberData(nameof(EveryMode))]
    public void EveryModeTrainsACustomConvolutionalModel(TrainingMode mode)
    {
        var (train, test) = SmallChips.Data();
        using var chip = mode == TrainingMode.Software ? null : SmallChips.Chip();
        var random = new AimcHil.Numerics.SeededRandom(5);
        var model = new Sequential(new Conv2d("0", 1, 4, 3, random.Fork("conv")), new Relu(), new Flatten(), new Linear("3", 16, 3, random.Fork("fc")));
        model.Bind(new ImageShape(1, 4, 4));
        var metrics = new List<EpochMetrics>();

        var trainer = new Trainer(Options(mode), train, test, chip, model);
        var summary = trainer.Run(epochDone: metrics.Add);

        // 4 positions on the kernel's tile, one MVM on the classifier's.
        Assert.Equal(4 + 1, summary.MvmsPerSample);
        Assert.Equal("custom", summary.Model);
        Assert.True(metrics[^1].TrainLoss < 0.6 * metrics[0].TrainLoss, $"{mode}: loss {metrics[0].TrainLoss} → {metrics[^1].TrainLoss}");
        Assert.True((summary.ChipTestAccuracy ?? summary.SoftwareTestAccuracy) > 0.5, $"{mode}: {summary.ChipTestAccuracy} {summary.SoftwareTestAccuracy} (chance is 1/3)");
        Assert.Same(model.Parameters[0], trainer.Network.Parameters[0]);
    }

    [Fact]
    public void AModelThatDoesNotTakeTheDataIsRefused()
    {
        var (train, test) = SmallChips.Data();
        var model = new Sequential(new Linear("0", 16, 4, new AimcHil.Numerics.SeededRandom(1)));

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Software), train, test, null, model));

        Assert.Equal("the model gives 4 outputs per example, the data has 3 classes", e.Message);
    }

    [Fact]
    public void LenetNeedsSquareImages()
    {
        var (train, test) = SmallChips.Data();

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Software) with { Model = "lenet" }, train, test, null));

        Assert.Equal("--model lenet takes square one-channel images of at least 16×16 (Fashion-MNIST's are 28×28); the data has 16 values per example", e.Message);
    }

    [Fact]
    public void ALayerThatDoesNotFitTheChipIsRefused()
    {
        var (train, test) = SmallChips.Data();
        using var chip = new AimcHil.Emulator.EmulatedChip(SmallChips.Preset with { Tiles = 2 }, 1);

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil) with { Layers = [16, 40, 3] }, train, test, chip));

        // 16 inputs fit one tile's rows, 40 outputs need three column blocks; 40 inputs to the next layer need three row blocks.
        Assert.Equal("the model needs 6 tiles of 16×16 but the chip small-pcm has 2: 0 (Linear, 16×40) 3, 2 (Linear, 40×3) 3; use a chip with more tiles or a smaller model", e.Message);
    }

    [Theory]
    [InlineData("every:0")]
    [InlineData("delta:0")]
    [InlineData("sometimes")]
    public void UnknownReprogramPoliciesAreExplained(string text)
    {
        var e = Assert.Throws<AimcException>(() => ReprogramPolicy.Parse(text));

        Assert.Equal($"--reprogram '{text}' is not a policy: use every:K (K ≥ 1 steps) or delta:D (0 < D ≤ 2, normalized weight change)", e.Message);
    }

    [Fact]
    public void DeltaPolicyReprogramsOnlyWhenAWeightMovedFarEnough()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();

        var eager = new Trainer(Options(TrainingMode.Hil, 1) with { Reprogram = "delta:0.001" }, train, test, SmallChips.Chip()).Run(null, false, false, null, null, CancellationToken.None);
        var lazy = new Trainer(Options(TrainingMode.Hil, 1) with { Reprogram = "delta:1.5" }, train, test, chip).Run(null, false, false, null, null, CancellationToken.None);

        Assert.Equal(1, lazy.Reprograms);
        Assert.True(eager.Reprograms > 10);
    }
}
