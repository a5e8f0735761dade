using System.Text;
using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware;

/// <summary>A Linux pseudo-terminal pair standing in for a USB serial bridge: a server (e.g. the virtual rig) sits on
/// <see cref="Master"/>, and a host opens <see cref="SlavePath"/> with <see cref="SerialPort"/> exactly as it would
/// open /dev/ttyACM0.</summary>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private readonly DescriptorStream _master;
    private readonly int _slaveHold;

    private PseudoTerminal(DescriptorStream master, int slaveHold, string slavePath)
    {
        _master = master;
        _slaveHold = slaveHold;
        SlavePath = slavePath;
    }

    /// <summary>The slave device, e.g. /dev/pts/3: what the host opens.</summary>
    public string SlavePath { get; }

    /// <summary>The master side as a Stream (bytes the host writes come out here; bytes written here reach the
    /// host); reads wait up to its ReadTimeout like a serial port's.</summary>
    public TimedStream Master => _master;

    /// <summary>Creates a pair (posix_openpt, grantpt, unlockpt, ptsname_r) whose slave is already raw, so nothing
    /// is echoed or translated even before the host configures it.</summary>
    public static PseudoTerminal Open()
    {
        var master = LibC.PosixOpenPt(LibC.ReadWrite | LibC.NoControllingTty | LibC.CloseOnExec);
        if (master < 0)
        {
            throw new AimcException($"/dev/ptmx: cannot create a pseudo-terminal ({Errno.Describe(LibC.LastError)}): is devpts mounted on /dev/pts?");
        }

        var slaveHold = -1;
        try
        {
            if (LibC.GrantPt(master) < 0 || LibC.UnlockPt(master) < 0)
            {
                throw new AimcException($"/dev/ptmx: cannot unlock the new pseudo-terminal: {Errno.Describe(LibC.LastError)}");
            }

            var name = stackalloc byte[128];
            var error = LibC.PtsNameR(master, name, 128); // returns the error number itself, not -1
            if (error != 0)
            {
                throw new AimcException($"/dev/ptmx: cannot name the pseudo-terminal's slave: {Errno.Describe(error)}");
            }

            var slavePath = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 128)[..new ReadOnlySpan<byte>(name, 128).IndexOf((byte)0)]);

            // The master keeps one slave descriptor open for its whole life: without it, the master sees a hang-up
            // (POLLHUP, EIO) whenever no host has the slave open, and the slave's settings reset between hosts.
            slaveHold = LibC.Open(slavePath, LibC.ReadWrite | LibC.NoControllingTty | LibC.NonBlocking | LibC.CloseOnExec);
            if (slaveHold < 0)
            {
                throw new AimcException($"{slavePath}: cannot open the new pseudo-terminal's slave: {Errno.Describe(LibC.LastError)}");
            }

            MakeRaw(slaveHold, slavePath);
            SetNonBlocking(master);
            var stream = new DescriptorStream(master, $"{slavePath} (master)", errno => new IOException(
                $"{slavePath} (master): the pseudo-terminal went away ({(errno == 0 ? "end of file" : Errno.Describe(errno))})"));
            return new PseudoTerminal(stream, slaveHold, slavePath);
        }
        catch
        {
            _ = LibC.Close(master);
            if (slaveHold >= 0)
            {
                _ = LibC.Close(slaveHold);
            }

            throw;
        }
    }

    /// <summary>Closes the master: the host's next read on the slave reports that the line went away.</summary>
    public void Dispose()
    {
        _master.Dispose();
        _ = LibC.Close(_slaveHold);
    }

    private static void MakeRaw(int fd, string path)
    {
        Termios t;
        if (LibC.TcGetAttr(fd, &t) < 0)
        {
            throw new AimcException($"{path}: cannot read the pseudo-terminal's settings: {Errno.Describe(LibC.LastError)}");
        }

        LibC.CfMakeRaw(&t);
        if (LibC.TcSetAttr(fd, Tty.TcsaNow, &t) < 0)
        {
            throw new AimcException($"{path}: cannot make the pseudo-terminal raw: {Errno.Describe(LibC.LastError)}");
        }
    }

    private static void SetNonBlocking(int fd)
    {
        var flags = LibC.Fcntl(fd, LibC.GetStatusFlags, 0);
        if (flags < 0 || LibC.Fcntl(fd, LibC.SetStatusFlags, flags | LibC.NonBlocking) < 0)
        {
            throw new IOException($"/dev/ptmx: cannot make the master non-blocking: {Errno.Describe(LibC.LastError)}");
        }
    }
}
