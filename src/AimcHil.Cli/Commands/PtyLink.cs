using AimcHil.Core;

namespace AimcHil.Cli.Commands;

/// <summary>The rule for <c>emulate --link PATH</c>: a symbolic link is only ever replaced when it is one an earlier
/// virtual rig left behind, i.e. it points to a pseudo-terminal (/dev/pts/N) that no longer exists. Anything else at
/// the path (a file, a directory, a link the user made, a link to a live pseudo-terminal) stays and is refused.</summary>
internal static class PtyLink
{
    /// <summary>Makes <paramref name="path"/> free for a new link, or says why it is not ours to take.</summary>
    public static void Claim(string path)
    {
        var target = new FileInfo(path).LinkTarget;
        if (target is null)
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                throw new AimcException($"{path}: exists and is not a symbolic link; choose another --link path");
            }

            return;
        }

        if (!target.StartsWith("/dev/pts/", StringComparison.Ordinal))
        {
            throw new AimcException($"{path}: is a symbolic link to {target}, not one a virtual rig left; remove it yourself or choose another --link path");
        }

        if (File.Exists(target))
        {
            throw new AimcException($"{path}: links to {target}, a pseudo-terminal still in use (another aimc emulate?); stop it or choose another --link path");
        }

        File.Delete(path);
    }
}
