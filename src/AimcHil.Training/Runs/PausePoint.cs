namespace AimcHil.Training.Runs;

/// <summary>A hidden test seam: named points of a run (after a batch, at each stage of a checkpoint write) where a
/// process started with <c>AIMC_TEST_PAUSE=&lt;point&gt;</c> announces itself on stderr and waits, so a crash test can
/// kill it exactly there (SIGKILL) or stop it there (SIGINT, which releases the wait).</summary>
/// <remarks>Points are <c>batch/E/B</c> (after batch B of epoch E, both from 1) and <c>checkpoint/N/STAGE</c> (the Nth
/// checkpoint this process writes; stages in <see cref="CheckpointStore"/>). Unset, every call is a comparison.</remarks>
public static class PausePoint
{
    /// <summary>The environment variable naming the point to pause at.</summary>
    public const string Variable = "AIMC_TEST_PAUSE";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Pauses here if this is the point named by <see cref="Variable"/>, until <paramref name="release"/> is
    /// cancelled (the process's Ctrl-C) or the process is killed.</summary>
    public static void Reach(string point, CancellationToken release)
    {
        if (Target is null || !string.Equals(Target, point, StringComparison.Ordinal))
        {
            return;
        }

        Console.Error.WriteLine($"aimc-test: paused at {point}");
        Console.Error.Flush();
        release.WaitHandle.WaitOne();
    }
}
