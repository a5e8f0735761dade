using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>Reads a rig's shared secret from a file that only its owner can read: the secret never appears on a
/// command line (visible to every user in ps) or in a rig file that is shared and committed.</summary>
public static class SharedSecret
{
    private const UnixFileMode OthersMayRead = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The file's bytes without a trailing line end (so `echo secret &gt; file` and an editor agree).</summary>
    public static byte[] Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new AimcException($"{full}: is a directory, not a secret file; name a file holding the shared secret");
        }

        if (!File.Exists(full))
        {
            throw new AimcException($"{full}: no such secret file; create one readable only by you, e.g. head -c 32 /dev/urandom | base64 > {path} && chmod 600 {path}");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & OthersMayRead) != 0)
        {
            throw new AimcException($"{full}: the secret file may be read by other users; make it private: chmod 600 {path}");
        }

        var bytes = File.ReadAllBytes(full).AsSpan().TrimEnd("\r\n"u8).ToArray();
        if (bytes.Length == 0)
        {
            throw new AimcException($"{full}: the secret file is empty; put a long random secret in it, e.g. head -c 32 /dev/urandom | base64 > {path}");
        }

        return bytes;
    }
}
