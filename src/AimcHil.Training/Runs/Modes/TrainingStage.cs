using AimcHil.Training.Data;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Runs.Modes;

/// <summary>A stretch of a run's schedule that trains one model on one dataset for epochs
/// [<paramref name="FirstEpoch"/>, <paramref name="EndEpoch"/>): the whole run for most modes, one layer's fine-tuning
/// for progressive. <paramref name="ShuffleStream"/> names the seeded stream of an epoch's batch order.</summary>
internal sealed record TrainingStage(Dataset Data, Sequential Model, int FirstEpoch, int EndEpoch, Func<int, string> ShuffleStream);
