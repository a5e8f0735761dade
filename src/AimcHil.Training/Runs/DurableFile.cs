using System.Runtime.InteropServices;

namespace AimcHil.Training.Runs;

/// <summary>Writes that survive a power cut once they return: file contents flushed to the device, and the directory
/// entries of new or renamed files flushed through their directory (.NET has no API for the latter).</summary>
public static partial class DurableFile
{
    // O_RDONLY: enough to fsync a directory, and the same value on every Linux architecture (O_DIRECTORY is not).
    private const int ReadOnly = 0;

    /// <summary>Creates <paramref name="path"/> (it must not exist) with <paramref name="bytes"/> and flushes it to disk.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> in one atomic rename: a reader (or a crash,
    /// or a full disk) sees the old contents or the new, never a part.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", $".{Path.GetFileName(path)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            Write(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Flushes a directory's entries, so a file created or renamed in it is still there after a crash.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"{directory}: cannot open the directory to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"{directory}: cannot flush the directory (errno {errno})", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
