using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Naive"/>: trains in software, then deploys the weights once and measures them on the chip.</summary>
internal sealed class NaiveRun(RunContext run) : TrainingModeRun(run)
{
    public override void Prepare() => Network.SetPath(ForwardPath.Software);

    public override double? FinalChipAccuracy(RunState state) => Deploy(state);
}
