using AimcHil.Core;
using AimcHil.Training.Runs;

namespace AimcHil.Training.Interchange;

/// <summary>The file operations of the interchange formats, with every failure turned into one line naming the file.</summary>
internal static class InterchangeFile
{
    /// <summary>A state_dict of an AimcHil model is a few MB; this bound keeps a wrong file (a multi-GB language model)
    /// from being read whole only to be refused.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>The whole file; a missing file, a directory, an unreadable or an implausibly large one is an <see cref="AimcException"/>.</summary>
    public static byte[] ReadAllBytes(string path) => Reading(path, () =>
    {
        var length = new FileInfo(path).Length;
        return length <= MaxBytes
            ? File.ReadAllBytes(path)
            : throw new AimcException($"{path}: {length >> 20} MiB, more than the {MaxBytes >> 20} MiB a state_dict of an AimcHil model can need: is it the right file?");
    });

    /// <summary>The first <paramref name="count"/> bytes of the file, fewer if it is shorter: enough to recognize a format.</summary>
    public static byte[] FirstBytes(string path, int count) => Reading(path, () =>
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[count];
        return buffer[..stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false)];
    });

    /// <summary>Replaces <paramref name="path"/> (creating its directory) in one atomic rename, so a crash or a full disk
    /// leaves the previous file or the new one, never a part.</summary>
    public static void Replace(string path, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            DurableFile.Replace(path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AimcException($"{path}: cannot write the file: {e.Message}", e);
        }
    }

    private static byte[] Reading(string path, Func<byte[]> read)
    {
        if (Directory.Exists(path))
        {
            throw new AimcException($"{path}: a directory, not a weights file");
        }

        if (!File.Exists(path))
        {
            throw new AimcException($"{path}: no such file");
        }

        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AimcException($"{path}: cannot read the file: {e.Message}", e);
        }
    }
}
