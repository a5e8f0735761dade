namespace AimcHil.Training.Runs;

/// <summary>Where a run is, for a progress bar: reported after every batch.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, long ProgrammingPulses);
