namespace AimcHil.Cli.Commands;

/// <summary>What one training run of a case measured.</summary>
/// <param name="SamplesPerSecond">Over the timed steps only.</param>
/// <param name="FirstStepSeconds">From the start of the run to the end of its first step: the input-range
/// calibration, the first programming of every tile and the first MVMs (and so the first network solves).</param>
/// <param name="TimedWireSolves">Exact IR-drop network solves during the timed steps (null without an emulator).</param>
/// <param name="TimedWireSolveSeconds">The seconds those solves took (null without an emulator).</param>
/// <param name="TimedSeconds">The timed steps' wall-clock seconds.</param>
/// <param name="TimedMeter">How far each of the caller's meter readings moved during the timed steps (null without one).</param>
internal sealed record TrainThroughput(double SamplesPerSecond, double FirstStepSeconds, long? TimedWireSolves, double? TimedWireSolveSeconds, double TimedSeconds, long[]? TimedMeter = null);
