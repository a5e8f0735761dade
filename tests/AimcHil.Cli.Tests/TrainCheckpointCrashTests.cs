namespace AimcHil.Cli.Tests;

/// <summary>Checkpoints are all or nothing: a training run killed anywhere (between batches, at every stage of a
/// checkpoint write, after its last checkpoint) or stopped by a full disk resumes to exactly the result of a run never
/// interrupted, or its resume is refused with one line; a checkpoint damaged on disk is never trained from.</summary>
public class TrainCheckpointCrashTests
{
    /// <summary>A short software run: 3 epochs of 32 batches on the synthetic problem.</summary>
    private static readonly string[] Settings = ["--data", "synthetic", "--layers", "16,8,3", "--seed", "5"];

    private static readonly Lazy<TrainRunResult> Uninterrupted = new(() =>
    {
        var run = NewRunDirectory();
        Assert.Equal(0, AimcProcess.Run(["train", .. Settings, "--epochs", "3", "--out", run, "--json"]).ExitCode);
        return TrainRunResult.Of(run);
    });

    internal static string NewRunDirectory() => Path.Combine(Directory.CreateTempSubdirectory("aimc-ckpt-").FullName, "run");

    [Theory]
    [InlineData("batch/1/5")]
    [InlineData("checkpoint/1/begun")]
    [InlineData("checkpoint/1/model")]
    [InlineData("checkpoint/1/state")]
    [InlineData("checkpoint/1/manifest")]
    [InlineData("checkpoint/1/synced")]
    [InlineData("checkpoint/1/pointer")]
    [InlineData("checkpoint/1/current")]
    [InlineData("batch/2/3")]
    [InlineData("checkpoint/2/model")]
    [InlineData("checkpoint/2/state")]
    [InlineData("checkpoint/2/pointer")]
    [InlineData("checkpoint/2/current")]
    [InlineData("checkpoint/2/pruned")]
    [InlineData("checkpoint/3/manifest")]
    [InlineData("checkpoint/3/pruned")]
    public void KilledAnywhereTheResumeEndsExactlyAsTheUninterruptedRunOrIsRefused(string point)
    {
        var run = NewRunDirectory();
        using (var training = new PausedAimc(point, ["train", .. Settings, "--epochs", "3", "--out", run, "--json"]))
        {
            training.Kill();
        }

        var resumed = AimcProcess.Run("train", "--resume", run, "--json");

        // Until the first checkpoint is current there is nothing to resume; from then on the resume is exact.
        var firstCheckpointCurrent = !point.StartsWith("batch/1/", StringComparison.Ordinal)
            && !(point.StartsWith("checkpoint/1/", StringComparison.Ordinal) && point is not ("checkpoint/1/current" or "checkpoint/1/pruned"));
        if (!firstCheckpointCurrent)
        {
            AimcProcess.AssertUserError(resumed, $"{Path.Combine(run, "checkpoint")}: no checkpoint to resume from (the run stopped before its first checkpoint): start the run again");
            return;
        }

        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(Uninterrupted.Value, TrainRunResult.Of(run));
    }

    /// <summary>The defect of issue 11: a crash between the two files of an old checkpoint left the model of epoch 2
    /// beside the trainer state of epoch 1, and --resume trained a fourth epoch while reporting three.</summary>
    [Fact]
    public void AnOldTwoFileCheckpointIsRefusedSinceItsFilesMayComeFromDifferentEpochs()
    {
        var run = NewRunDirectory();
        var after1 = NewRunDirectory();
        var after2 = NewRunDirectory();
        Assert.Equal(0, AimcProcess.Run(["train", .. Settings, "--epochs", "1", "--out", after1, "--json"]).ExitCode);
        Assert.Equal(0, AimcProcess.Run(["train", .. Settings, "--epochs", "2", "--out", after2, "--json"]).ExitCode);
        Directory.CreateDirectory(Path.Combine(run, "checkpoint"));
        File.WriteAllText(Path.Combine(run, "settings.json"), File.ReadAllText(Path.Combine(after2, "settings.json")).Replace("\"epochs\": 2", "\"epochs\": 3", StringComparison.Ordinal));
        File.Copy(Path.Combine(after2, "model.bin"), Path.Combine(run, "checkpoint", "model.bin"));
        File.Copy(Directory.GetFiles(Path.Combine(after1, "checkpoint"), "trainer.json", SearchOption.AllDirectories).Single(), Path.Combine(run, "checkpoint", "trainer.json"));

        var resumed = AimcProcess.Run("train", "--resume", run, "--json");

        var checkpoint = Path.Combine(run, "checkpoint");
        AimcProcess.AssertUserError(resumed, $"{checkpoint}: the checkpoint is in the old two-file format (model.bin, trainer.json), written one file after the other, so its files may come from different epochs; it cannot be resumed safely: start the run again, or start a new run from its weights with --init {Path.Combine(checkpoint, "model.bin")}");
    }

    public static TheoryData<string, string> Damages() => new()
    {
        { "trainer.json", "truncated" },
        { "trainer.json", "empty" },
        { "trainer.json", "garbage" },
        { "model.bin", "truncated" },
        { "model.bin", "garbage" },
        { "manifest.json", "empty" },
        { "manifest.json", "garbage" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void ADamagedCheckpointFileIsRefusedNamingIt(string file, string damage)
    {
        var run = FinishedRun();
        var generation = Directory.GetDirectories(Path.Combine(run, "checkpoint")).Single();
        var path = Path.Combine(generation, file);
        Damage(path, damage);

        var resumed = AimcProcess.Run("train", "--resume", run, "--json");

        var listedIn = file == "manifest.json" ? "CURRENT" : "manifest.json";
        AimcProcess.AssertUserError(resumed, $"{path}: does not match its SHA-256 in {listedIn} (truncated or changed after the checkpoint was written); the run cannot be resumed from it: restore the run directory from a copy, or start the run again");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void ADamagedPointerIsRefused(string damage)
    {
        var run = FinishedRun();
        var pointer = Path.Combine(run, "checkpoint", "CURRENT");
        Damage(pointer, damage);

        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--resume", run, "--json"),
            $"{pointer}: does not name a checkpoint (truncated or corrupt); the run cannot be resumed from it: restore the run directory from a copy, or start the run again");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void DamagedSettingsAreRefused(string damage)
    {
        var run = FinishedRun();
        var settings = Path.Combine(run, "settings.json");
        Damage(settings, damage);

        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--resume", run, "--json"),
            $"{settings}: not a run's settings (empty, truncated or corrupt); the run cannot be resumed from it: restore the run directory from a copy, or start the run again");
    }

    private static string FinishedRun()
    {
        var run = NewRunDirectory();
        Assert.Equal(0, AimcProcess.Run(["train", .. Settings, "--epochs", "1", "--out", run, "--json"]).ExitCode);
        return run;
    }

    private static void Damage(string path, string how)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, how switch
        {
            "empty" => [],
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [.. bytes.Select((b, k) => k % 7 == 3 ? (byte)(b ^ 0x5A) : b)],
        });
    }
}

/// <summary>A training run whose disk fills up: at every amount of free space the run either finishes or ends with one
/// line saying the disk is full, the previous checkpoint stays current, and once space is freed the resume ends
/// exactly as a run never interrupted.</summary>
public class TrainFullDiskTests
{
    private const int PageBytes = 4096;
    private const int DiskPages = 64;

    private static readonly string[] Train = ["train", "--data", "synthetic", "--layers", "16,8,3", "--seed", "5", "--epochs", "3", "--json"];

    [TmpfsFact]
    public void AFullDiskKeepsThePreviousCheckpointAndEndsInOneLine()
    {
        var whole = TrainCheckpointCrashTests.NewRunDirectory();
        Assert.Equal(0, AimcProcess.Run([.. Train, "--out", whole]).ExitCode);
        var expected = TrainRunResult.Of(whole);
        var failedAndResumed = new List<int>();
        for (var freePages = 2; freePages <= 14; freePages++)
        {
            using var disk = Tmpfs.Mount(DiskPages * PageBytes);
            var filler = Path.Combine(disk.Path, "filler");
            File.WriteAllBytes(filler, new byte[(DiskPages - freePages) * PageBytes]);
            var run = Path.Combine(disk.Path, "run");

            var outcome = AimcProcess.Run([.. Train, "--out", run]);

            if (outcome.ExitCode == 0)
            {
                Assert.Equal(expected, TrainRunResult.Of(run));
                continue;
            }

            Assert.Equal(2, outcome.ExitCode);
            Assert.Matches(@"^aimc: error: [^\n]*the disk is full[^\n]*\n$", outcome.Stderr);
            Assert.Equal(string.Empty, outcome.Stdout);
            File.Delete(filler);
            var resumed = AimcProcess.Run("train", "--resume", run, "--json");
            if (resumed.ExitCode == 0)
            {
                Assert.Equal(expected, TrainRunResult.Of(run));
                failedAndResumed.Add(freePages);
            }
            else
            {
                // Only a run that never got its first checkpoint written may be refused.
                Assert.Equal(2, resumed.ExitCode);
                Assert.Matches(@"^aimc: error: [^\n]*(no checkpoint to resume from|settings\.json)[^\n]*\n$", resumed.Stderr);
            }
        }

        // The sweep must have filled the disk inside the run, after a checkpoint, at several points.
        Assert.True(failedAndResumed.Count >= 3, $"only {failedAndResumed.Count} runs filled the disk after a checkpoint and resumed: {string.Join(", ", failedAndResumed)} free pages");
    }
}
