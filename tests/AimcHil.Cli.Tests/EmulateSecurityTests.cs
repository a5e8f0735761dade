using AimcHil.Hardware;
using AimcHil.Protocol;

namespace AimcHil.Cli.Tests;

/// <summary>Specification of who may drive the virtual rig: loopback stays open, a secret makes every host prove it
/// holds it, a remote server needs one, and a secret file others can read, or an empty one, is refused; plus the
/// emulate options that bound a host (idle timeout) and the --link rule (only a stale link of ours is replaced).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EmulateSecurityTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("aimc-secret-");

    [Fact]
    public void AllowRemoteWithoutASecretIsRefused() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "0.0.0.0:5099", "--allow-remote"),
            "--allow-remote needs --secret-file PATH: a rig reachable from the network must make its hosts prove they hold a shared secret");

    [Theory]
    [InlineData("s3cret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "the secret file may be read by other users; make it private: chmod 600 {0}")]
    [InlineData("\n", UnixFileMode.UserRead | UnixFileMode.UserWrite, "the secret file is empty; put a long random secret in it, e.g. head -c 32 /dev/urandom | base64 > {0}")]
    public void ASecretFileOthersCanReadOrAnEmptyOneIsRefused(string text, UnixFileMode mode, string why)
    {
        var path = Secret(text, mode);

        AimcProcess.AssertUserError(
            AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0", "--secret-file", path),
            $"{path}: {string.Format(System.Globalization.CultureInfo.InvariantCulture, why, path)}");
    }

    [Fact]
    public void TheRightSecretIsAcceptedAndEveryOtherHostRefusedInOneLine()
    {
        var secret = Secret("right secret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0", "--secret-file", secret);

        var right = Handshake(server, "right secret"u8.ToArray());
        var wrong = Assert.Throws<AimcHil.Core.AimcException>(() => Handshake(server, "wrong secret"u8.ToArray()));
        var missing = Assert.Throws<AimcHil.Core.AimcException>(() => Handshake(server, null));

        Assert.True(right.Capabilities.HasFlag(Capabilities.Auth));
        Assert.Equal($"rig on {server.Port} refused this host: wrong shared secret: the host's secret file differs from the rig's", wrong.Message);
        Assert.Equal($"rig on {server.Port} needs a shared secret: add secret_file: PATH (a file only you can read, holding the rig's secret) to the rig file", missing.Message);
        server.WaitForLog(" authenticated", TimeSpan.FromSeconds(5));
        server.WaitForLog(" refused: wrong shared secret: the host's secret file differs from the rig's", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void AHostReadsTheSecretFromTheFileItsRigFileNames()
    {
        var secret = Secret("bench secret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var wrong = Secret("another secret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0", "--secret-file", secret);

        var right = AimcProcess.Run("info", "--rig", RigFile(server, Path.GetFileName(secret)));
        var refused = AimcProcess.Run("info", "--rig", RigFile(server, wrong));

        Assert.Equal(0, right.ExitCode);
        AimcProcess.AssertUserError(refused, $"rig on {server.Port} refused this host: wrong shared secret: the host's secret file differs from the rig's");
    }

    [Fact]
    public void IdleTimeoutMustBePositive() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0", "--idle-timeout", "0"),
            "--idle-timeout 0: must be a positive number of seconds, at most 2147483 (e.g. 60)");

    [Fact]
    public void LinkNeverDeletesASymbolicLinkTheUserMade()
    {
        var target = Path.Combine(_dir.FullName, "notes.txt");
        File.WriteAllText(target, "mine");
        var link = Path.Combine(_dir.FullName, "rig");
        File.CreateSymbolicLink(link, target);

        var outcome = AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml", "--pty", "--link", link);

        AimcProcess.AssertUserError(outcome, $"{link}: is a symbolic link to {target}, not one a virtual rig left; remove it yourself or choose another --link path");
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static RigHello Handshake(EmulatorProcess server, byte[]? secret)
    {
        using var link = TcpLink.Connect(server.TcpPort);
        using var session = new HostSession(link.BaseStream, server.Port, new HostSessionOptions { Secret = secret });
        return session.Handshake();
    }

    /// <summary>A tcp rig file for <paramref name="server"/> whose secret_file is <paramref name="secretFile"/> (relative to it, or absolute).</summary>
    private string RigFile(EmulatorProcess server, string secretFile)
    {
        var path = Path.Combine(_dir.FullName, $"rig-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"kind: tcp\nport: {server.Port}\nsecret_file: {secretFile}\n");
        return path;
    }

    private string Secret(string text, UnixFileMode mode)
    {
        var path = Path.Combine(_dir.FullName, $"secret-{Guid.NewGuid():N}");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
