using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AimcHil.Core;

namespace AimcHil.Training.Runs;

/// <summary>A run's checkpoint directory, all or nothing: every checkpoint is a complete new generation directory
/// (its files and a manifest with their SHA-256, all flushed to disk), made current by one atomic rename of the pointer
/// file <c>CURRENT</c> (which holds the generation's name and its manifest's SHA-256). A crash or a full disk at any
/// moment leaves the previous checkpoint current, and a resume verifies every byte of the current one.</summary>
/// <remarks>Stages of a write, in order, as <see cref="PausePoint"/> names them: begun, (the caller's files), manifest,
/// synced, pointer (new pointer written beside the old), current (renamed: the new checkpoint counts), pruned (older
/// generations deleted).</remarks>
public static partial class CheckpointStore
{
    /// <summary>What every refusal to resume ends with: what the user can do.</summary>
    public const string CannotResume = "the run cannot be resumed from it: restore the run directory from a copy, or start the run again";

    private const string PointerName = "CURRENT";
    private const string ManifestName = "manifest.json";

    /// <summary>The two loose files of format 1, replaced one after the other (and so possibly from different epochs).</summary>
    private static readonly string[] FormatOneFiles = ["model.bin", "trainer.json"];

    /// <summary>True when <paramref name="directory"/> holds a checkpoint of any format (valid or not).</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, PointerName)) || FormatOneFiles.Any(f => File.Exists(Path.Combine(directory, f)));

    /// <summary>Writes a new checkpoint: <paramref name="writeFiles"/> creates its files in the (new, empty) directory it
    /// is given; then the manifest is written, everything flushed, and the pointer renamed. On any failure the new
    /// generation is removed, the previous checkpoint stays current, and one <see cref="AimcException"/> says so.</summary>
    public static void Commit(string directory, int epoch, int batch, Action<string> writeFiles, Action<string> reached)
    {
        var pointer = Path.Combine(directory, PointerName);
        var previous = TryReadCurrent(directory);
        var name = $"g{(previous?.Generation ?? 0) + 1:D6}";
        var generation = Path.Combine(directory, name);
        var temporaryPointer = pointer + ".tmp";
        var switched = false;
        try
        {
            reached("begun");
            Directory.CreateDirectory(directory);

            // A leftover of a write that crashed: never current, since the pointer only ever names older generations.
            if (Directory.Exists(generation))
            {
                Directory.Delete(generation, recursive: true);
            }

            Directory.CreateDirectory(generation);
            writeFiles(generation);
            var files = Directory.GetFiles(generation).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
            var manifest = CheckpointManifest.Of(generation, epoch, batch, files).ToBytes();
            DurableFile.Write(Path.Combine(generation, ManifestName), manifest);
            reached("manifest");
            DurableFile.SyncDirectory(generation);
            DurableFile.SyncDirectory(directory);
            reached("synced");
            File.Delete(temporaryPointer);
            DurableFile.Write(temporaryPointer, Encoding.UTF8.GetBytes($"{name} {CheckpointManifest.Sha256(manifest)}\n"));
            reached("pointer");
            File.Move(temporaryPointer, pointer, overwrite: true);
            switched = true;
            DurableFile.SyncDirectory(directory);
            reached("current");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AimcException)
        {
            var where = CheckpointManifest.Describe(epoch, batch);
            if (switched)
            {
                // Only the final directory flush failed: the new checkpoint is current, but a power cut could undo it.
                throw new AimcException($"{directory}: the checkpoint {where} is current, but flushing it to disk failed ({e.Message}); it may not survive a power cut", e);
            }

            Discard(generation, temporaryPointer);
            var (kept, then) = previous is null
                ? ("there is no earlier checkpoint", "start the run again")
                : ($"the checkpoint {CheckpointManifest.Describe(previous.Epoch, previous.Batch)} stays current", "resume the run");
            throw DiskSpace.IsFull(e)
                ? new AimcException($"{directory}: the disk is full: the checkpoint {where} was not written and {kept}; free space on it, then {then}", e)
                : new AimcException($"{directory}: the checkpoint {where} was not written ({e.Message}) and {kept}", e);
        }

        Prune(directory, name);
        reached("pruned");
    }

    /// <summary>The current generation's directory, after checking the pointer, the manifest and every file's size and
    /// SHA-256; anything inconsistent is refused with one line naming the file.</summary>
    public static string OpenCurrent(string directory)
    {
        var pointer = Path.Combine(directory, PointerName);
        if (!File.Exists(pointer))
        {
            if (FormatOneFiles.Any(f => File.Exists(Path.Combine(directory, f))))
            {
                throw new AimcException($"{directory}: the checkpoint is in the old two-file format (model.bin, trainer.json), written one file after the other, so its files may come from different epochs; it cannot be resumed safely: start the run again, or start a new run from its weights with --init {Path.Combine(directory, "model.bin")}");
            }

            throw new AimcException($"{directory}: no checkpoint to resume from (the run stopped before its first checkpoint): start the run again");
        }

        var match = PointerLine().Match(File.ReadAllText(pointer));
        if (!match.Success)
        {
            throw new AimcException($"{pointer}: does not name a checkpoint (truncated or corrupt); {CannotResume}");
        }

        var generation = Path.Combine(directory, match.Groups["name"].Value);
        var manifestPath = Path.Combine(generation, ManifestName);
        if (!File.Exists(manifestPath))
        {
            throw new AimcException($"{manifestPath}: missing, though {PointerName} names this checkpoint; {CannotResume}");
        }

        var manifestBytes = File.ReadAllBytes(manifestPath);
        if (CheckpointManifest.Sha256(manifestBytes) != match.Groups["sha"].Value)
        {
            throw Mismatch(manifestPath, PointerName);
        }

        var manifest = CheckpointManifest.Parse(manifestPath, manifestBytes);
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(generation, file.Name);
            if (file.Name.Contains('/', StringComparison.Ordinal) || !File.Exists(path))
            {
                throw new AimcException($"{path}: missing, though the checkpoint's {ManifestName} lists it; {CannotResume}");
            }

            var actual = CheckpointFile.Of(path);
            if (actual.Bytes != file.Bytes || actual.Sha256 != file.Sha256)
            {
                throw Mismatch(path, ManifestName);
            }
        }

        return generation;
    }

    private static AimcException Mismatch(string path, string listedIn) =>
        new($"{path}: does not match its SHA-256 in {listedIn} (truncated or changed after the checkpoint was written); {CannotResume}");

    private sealed record Current(int Generation, int Epoch, int Batch);

    /// <summary>The current checkpoint as far as it can be read, to name the generation after it and to tell the user
    /// which checkpoint stays current when a write fails.</summary>
    private static Current? TryReadCurrent(string directory)
    {
        try
        {
            var match = PointerLine().Match(File.ReadAllText(Path.Combine(directory, PointerName)));
            if (!match.Success)
            {
                return null;
            }

            var name = match.Groups["name"].Value;
            var manifestPath = Path.Combine(directory, name, ManifestName);
            var manifest = CheckpointManifest.Parse(manifestPath, File.ReadAllBytes(manifestPath));
            return new Current(int.Parse(name.AsSpan(1), CultureInfo.InvariantCulture), manifest.Epoch, manifest.Batch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AimcException)
        {
            return null;
        }
    }

    private static void Discard(string generation, string temporaryPointer)
    {
        try
        {
            File.Delete(temporaryPointer);
            if (Directory.Exists(generation))
            {
                Directory.Delete(generation, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Harmless: a generation the pointer does not name is never read, and the next write replaces it.
        }
    }

    private static void Prune(string directory, string current)
    {
        foreach (var old in Directory.GetDirectories(directory).Where(d => GenerationName().IsMatch(Path.GetFileName(d)) && Path.GetFileName(d) != current))
        {
            try
            {
                Directory.Delete(old, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An old generation left behind costs space, not correctness: the pointer names the new one.
            }
        }
    }

    [GeneratedRegex(@"\Ag\d{6,}\z")]
    private static partial Regex GenerationName();

    [GeneratedRegex(@"\A(?<name>g\d{6,}) (?<sha>[0-9a-f]{64})\n\z")]
    private static partial Regex PointerLine();
}
