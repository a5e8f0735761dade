namespace AimcHil.Training.Runs;

/// <summary>One file of a checkpoint, as its manifest records it.</summary>
public sealed record CheckpointFile(string Name, long Bytes, string Sha256)
{
    public static CheckpointFile Of(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return new CheckpointFile(Path.GetFileName(path), bytes.Length, CheckpointManifest.Sha256(bytes));
    }
}
