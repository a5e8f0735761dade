using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Software"/>: full precision on the host, no chip, no chip accuracy.</summary>
internal sealed class SoftwareRun(RunContext run) : TrainingModeRun(run)
{
    public override void Prepare() => Network.SetPath(ForwardPath.Software);

    public override double? FinalChipAccuracy(RunState state) => null;
}
