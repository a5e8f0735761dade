using AimcHil.Core;
using AimcHil.Training.Analog;
using AimcHil.Training.Data;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Runs.Modes;

/// <summary>What a training mode works with: the run's settings, its data (already cut to the limits), the chip, the
/// calibrated twin if the run has one, the mapped network and the optimizer.</summary>
internal sealed record RunContext(
    TrainingOptions Options,
    Dataset Train,
    Dataset Test,
    IAimcChip? Chip,
    DigitalTwin? Twin,
    AnalogNetwork Network,
    IOptimizer Optimizer);
