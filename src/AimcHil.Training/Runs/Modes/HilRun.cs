using AimcHil.Core;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Hil"/>: the forward pass measured on the chip, the backward at the measured inputs
/// (through the chip model's physics with <c>--backward-model physical</c> or <c>calibrated</c>), the chip reprogrammed
/// by the run's <see cref="ReprogramPolicy"/>.</summary>
internal sealed class HilRun(RunContext run) : TrainingModeRun(run)
{
    public override void Prepare()
    {
        Network.SetPath(ForwardPath.Chip);
        var backward = Options.BackwardModel switch
        {
            "physical" => Physics("the physical backward model", "use --backward-model calibrated with --twin TWIN.yaml"),
            "calibrated" => Physics("the calibrated backward model", "give --twin TWIN.yaml"),
            _ => null,
        };
        if (backward is null)
        {
            return;
        }

        Network.UsePhysics(backward);
        foreach (var layer in Network.Analog)
        {
            layer.PhysicalBackward = true;
        }
    }

    /// <summary>Recalibrates, reseeds an emulated chip and rewrites it from the shadow weights, so what follows
    /// depends only on the epoch and the weights (a resumed run ends as an uninterrupted one).</summary>
    public override void BeginEpoch(int epoch, RunState state)
    {
        base.BeginEpoch(epoch, state);
        ReseedChip($"chip/{epoch}");
        ProgramChip(state);
    }

    public override (double Loss, double Accuracy) Step(TrainingStage stage, Grid<float> x, int[] y, RunState state)
    {
        var result = base.Step(stage, x, y, state);
        Reprogram(state);
        return result;
    }

    public override double? EpochChipAccuracy() => ChipAccuracy();

    /// <summary>The last epoch's chip accuracy: the chip as training left it.</summary>
    public override double? FinalChipAccuracy(RunState state) =>
        state.Metrics.Count > 0 ? state.Metrics[^1].ChipTestAccuracy : ChipAccuracy();

    private void Reprogram(RunState state)
    {
        var policy = Options.ReprogramPolicy;
        if (policy.EverySteps > 0)
        {
            if (state.Steps % policy.EverySteps == 0)
            {
                ProgramChip(state);
            }

            return;
        }

        var pulses = Network.Analog.Sum(layer => layer.ReprogramMoved(Chip, policy.Delta, Options.Programming));
        state.Pulses += pulses;
        state.Reprograms += pulses > 0 ? 1 : 0;
    }
}
