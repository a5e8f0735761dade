using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Physical"/>: trains through the chip model's deterministic physics (the calibrated
/// twin's, else the emulated chip's design), then deploys the weights once and measures them on the chip.</summary>
internal sealed class PhysicalRun(RunContext run) : TrainingModeRun(run)
{
    public override void Prepare()
    {
        Network.UsePhysics(Physics("mode physical", "give --twin TWIN.yaml"));
        Network.SetPath(ForwardPath.PhysicalModel);
    }

    public override double? FinalChipAccuracy(RunState state) => Deploy(state);
}
