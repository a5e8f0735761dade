using AimcHil.Core;
using AimcHil.Training.Runs;

namespace AimcHil.Training.Tests.Runs;

/// <summary>Checkpoints through the trainer's API: a stop inside an epoch resumes to the same epoch metrics, and a
/// checkpoint write that fails (a full disk) leaves the previous checkpoint current and nothing half-written.</summary>
public class CheckpointResumeTests
{
    private static readonly TrainingOptions Options = new()
    {
        Mode = TrainingMode.Software,
        Layers = SmallChips.Layers,
        Epochs = 3,
        BatchSize = 16,
        LearningRate = 2e-2f,
        Seed = 7,
    };

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool), so a stop lands at an exact batch.</summary>
    private sealed class StopAt(int epoch, int batch, CancellationTokenSource stop) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Epoch == epoch && value.Batch == batch)
            {
                stop.Cancel();
            }
        }
    }

    [Fact]
    public void AStopInsideAnEpochResumesToTheMetricsOfTheUninterruptedEpoch()
    {
        var (train, test) = SmallChips.Data();
        var whole = new List<EpochMetrics>();
        new Trainer(Options, train, test, null).Run(null, false, false, null, whole.Add, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("aimc-partial-").FullName;
        var resumed = new List<EpochMetrics>();

        using (var stop = new CancellationTokenSource())
        {
            var first = new Trainer(Options, train, test, null).Run(directory, false, false, new StopAt(2, 5, stop), resumed.Add, stop.Token);
            Assert.True(first.Interrupted);
        }

        new Trainer(Options, train, test, null).Run(directory, true, false, null, resumed.Add, CancellationToken.None);

        Assert.Equal(whole.Select(Comparable), resumed.Select(Comparable));
    }

    [Fact]
    public void AFullDiskDuringACheckpointKeepsThePreviousOneCurrentAndSaysSo()
    {
        var directory = Directory.CreateTempSubdirectory("aimc-full-").FullName;
        CheckpointStore.Commit(directory, 1, 0, generation => File.WriteAllText(Path.Combine(generation, "a.txt"), "epoch 1"), _ => { });

        var error = Assert.Throws<AimcException>(() => CheckpointStore.Commit(directory, 2, 0, generation =>
        {
            File.WriteAllText(Path.Combine(generation, "a.txt"), "epoch 2, half");
            throw new IOException("No space left on device", 28);
        }, _ => { }));

        Assert.Equal($"{directory}: the disk is full: the checkpoint after epoch 2 was not written and the checkpoint after epoch 1 stays current; free space on it, then resume the run", error.Message);
        var current = CheckpointStore.OpenCurrent(directory);
        Assert.Equal("epoch 1", File.ReadAllText(Path.Combine(current, "a.txt")));
        Assert.Equal([Path.GetFileName(current)], Directory.GetDirectories(directory).Select(Path.GetFileName));
        Assert.Equal(["CURRENT"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void AFullDiskAtTheFirstCheckpointSaysToStartAgain()
    {
        var directory = Directory.CreateTempSubdirectory("aimc-full-").FullName;

        var error = Assert.Throws<AimcException>(() => CheckpointStore.Commit(directory, 0, 4, _ => throw new IOException("Disk quota exceeded", 122), _ => { }));

        Assert.Equal($"{directory}: the disk is full: the checkpoint in epoch 1 after batch 4 was not written and there is no earlier checkpoint; free space on it, then start the run again", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    private static EpochMetrics Comparable(EpochMetrics m) => m with { Seconds = 0 };
}
