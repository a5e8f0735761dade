using System.Security.Cryptography;
using System.Text.Json;
using AimcHil.Core;

namespace AimcHil.Training.Runs;

/// <summary>The table of contents of one checkpoint: where in the run it was taken and the size and SHA-256 of every
/// file in it, so a resume can prove the files are the ones written together.</summary>
public sealed record CheckpointManifest
{
    /// <summary>2: a checkpoint directory per generation behind a pointer file (1 was two loose files).</summary>
    public const int CurrentFormat = 2;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public required int Format { get; init; }

    /// <summary>Epochs completed when the checkpoint was taken.</summary>
    public required int Epoch { get; init; }

    /// <summary>Batches of the next epoch already trained (non-zero after a stop inside an epoch).</summary>
    public required int Batch { get; init; }

    public required List<CheckpointFile> Files { get; init; }

    /// <summary>Where in the run a checkpoint was taken, as a user reads it.</summary>
    public static string Describe(int epoch, int batch) => batch == 0 ? $"after epoch {epoch}" : $"in epoch {epoch + 1} after batch {batch}";

    /// <summary>Hashes the named files of <paramref name="directory"/> as they are on disk now.</summary>
    public static CheckpointManifest Of(string directory, int epoch, int batch, IEnumerable<string> names) => new()
    {
        Format = CurrentFormat,
        Epoch = epoch,
        Batch = batch,
        Files = [.. names.Select(name => CheckpointFile.Of(Path.Combine(directory, name)))],
    };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest whose bytes were already checked against the pointer's hash.</summary>
    public static CheckpointManifest Parse(string path, byte[] bytes)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<CheckpointManifest>(bytes, Json);
            if (manifest is { Format: CurrentFormat, Files: not null })
            {
                return manifest;
            }
        }
        catch (JsonException)
        {
        }

        throw new AimcException($"{path}: not a checkpoint manifest of format {CurrentFormat}; {CheckpointStore.CannotResume}");
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
