namespace AimcHil.Cli.Commands;

/// <summary>A steady-state hil step over the paced virtual rig against its line-time minimum.</summary>
/// <param name="StepSeconds">Wall-clock seconds per step.</param>
/// <param name="MinSeconds">Line time of the step's information (<see cref="LinkMinimum"/>), both directions one
/// after the other, as request and answer alternate.</param>
/// <param name="MinSecondsFullDuplex">The same with both directions overlapped (a bound only pipelining can approach).</param>
/// <param name="WireBytes">Wire bytes per step, both ways.</param>
/// <param name="MinWireBytes">Minimum wire bytes per step, both ways.</param>
internal sealed record HilStepBench(double StepSeconds, double MinSeconds, double MinSecondsFullDuplex, long WireBytes, long MinWireBytes);
