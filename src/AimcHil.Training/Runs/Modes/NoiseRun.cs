using AimcHil.Core;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Noise"/>: trains through the programming noise of the chip model's devices, sampled
/// per batch, then deploys the weights once and measures them on the chip.</summary>
internal sealed class NoiseRun(RunContext run) : TrainingModeRun(run)
{
    public override void Prepare()
    {
        var model = ChipModel() ?? throw new AimcException("mode noise samples the device model of an emulated chip: use an emulator rig");
        Network.UseNoiseModel(model, Options.Seed);
        Network.SetPath(ForwardPath.NoisyModel);
    }

    public override double? FinalChipAccuracy(RunState state) => Deploy(state);
}
