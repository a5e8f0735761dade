namespace AimcHil.Training.Runs;

/// <summary>Recognizes a write that failed because the file system is full (or the user's quota is used up), however
/// deeply the I/O error is wrapped, so the user hears "the disk is full" instead of a raw I/O message.</summary>
public static class DiskSpace
{
    // On Linux .NET puts the errno into an IOException's HResult.
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;

    /// <summary>True when <paramref name="error"/> or an exception inside it reports ENOSPC or EDQUOT.</summary>
    public static bool IsFull(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: NoSpace or QuotaExceeded })
            {
                return true;
            }
        }

        return false;
    }
}
