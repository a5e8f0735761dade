using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware;

/// <summary>A Linux serial tty (USB bridge, UART, pseudo-terminal) shaped like System.IO.Ports.SerialPort: raw
/// 8N1 without flow control, any baud rate the driver takes, opened exclusively, read by one poll() thread.</summary>
public sealed unsafe class SerialPort : IDisposable
{
    /// <summary>Wait forever, as System.IO.Ports.SerialPort.InfiniteTimeout.</summary>
    public const int InfiniteTimeout = TimedStream.InfiniteTimeout;

    private string _portName;
    private int _baudRate;
    private int _readTimeout = InfiniteTimeout;
    private int _writeTimeout = InfiniteTimeout;
    private bool? _dtr;
    private bool? _rts;
    private DescriptorStream? _stream;

    public SerialPort(string portName, int baudRate = 9600)
    {
        _portName = portName;
        _baudRate = baudRate;
    }

    /// <summary>The device path, e.g. /dev/ttyACM0; fixed while the port is open.</summary>
    public string PortName
    {
        get => _portName;
        set
        {
            if (IsOpen)
            {
                throw new InvalidOperationException($"{_portName}: PortName cannot change while the port is open; Close() first");
            }

            _portName = value;
        }
    }

    /// <summary>Bits per second; a rate without a Bxxx constant (250000, 1843200, …) is set through termios2/BOTHER.
    /// Setting it on an open port reconfigures the line at once.</summary>
    public int BaudRate
    {
        get => _baudRate;
        set
        {
            CheckBaudRate(value);
            if (_stream is not null)
            {
                Configure(_stream.Descriptor, value);
            }

            _baudRate = value;
        }
    }

    /// <summary>Milliseconds a read waits for its first byte before <see cref="TimeoutException"/>.</summary>
    public int ReadTimeout
    {
        get => _stream?.ReadTimeout ?? _readTimeout;
        set
        {
            _readTimeout = TimedStream.CheckTimeout(value);
            if (_stream is not null)
            {
                _stream.ReadTimeout = value;
            }
        }
    }

    /// <summary>Milliseconds a write may wait for room in the driver before <see cref="TimeoutException"/>.</summary>
    public int WriteTimeout
    {
        get => _stream?.WriteTimeout ?? _writeTimeout;
        set
        {
            _writeTimeout = TimedStream.CheckTimeout(value);
            if (_stream is not null)
            {
                _stream.WriteTimeout = value;
            }
        }
    }

    /// <summary>Drives DTR; only applied when set (Linux raises DTR and RTS on open). Pseudo-terminals have no modem
    /// lines, so there it is accepted and ignored.</summary>
    public bool DtrEnable
    {
        get => _dtr ?? false;
        set
        {
            _dtr = value;
            if (_stream is not null)
            {
                SetModemLine(_stream.Descriptor, Tty.ModemDtr, value);
            }
        }
    }

    /// <summary>Drives RTS; as <see cref="DtrEnable"/>.</summary>
    public bool RtsEnable
    {
        get => _rts ?? false;
        set
        {
            _rts = value;
            if (_stream is not null)
            {
                SetModemLine(_stream.Descriptor, Tty.ModemRts, value);
            }
        }
    }

    public bool IsOpen => _stream is not null;

    /// <summary>The port as a Stream (same timeouts as the port); valid while open.</summary>
    public Stream BaseStream => Stream;

    /// <summary>Bytes received and not read yet.</summary>
    public int BytesToRead => Stream.Received.Count;

    /// <summary>Tty devices a bridge or a board UART shows up as, sorted.</summary>
    public static string[] GetPortNames()
    {
        string[] patterns = ["ttyACM*", "ttyUSB*", "ttyAMA*"];
        return [.. patterns.SelectMany(p => Directory.Exists("/dev") ? Directory.GetFiles("/dev", p) : []).Order(StringComparer.Ordinal)];
    }

    /// <summary>Opens the tty (O_RDWR|O_NOCTTY|O_NONBLOCK), takes it exclusively, makes it raw 8N1 at
    /// <see cref="BaudRate"/> and starts the reader.</summary>
    public void Open()
    {
        if (IsOpen)
        {
            throw new InvalidOperationException($"{_portName}: the port is already open");
        }

        CheckBaudRate(_baudRate);
        var fd = LibC.Open(_portName, LibC.ReadWrite | LibC.NoControllingTty | LibC.NonBlocking | LibC.CloseOnExec);
        if (fd < 0)
        {
            throw OpenFailure(LibC.LastError);
        }

        try
        {
            // Two locks, because neither is enough alone: TIOCEXCL makes the kernel refuse other open()s, but a
            // process with CAP_SYS_ADMIN (root in most containers) passes through it; flock() is advisory but
            // binds root too, and is what other serial tools (pyserial exclusive=True, minicom's lock) honour.
            if (LibC.Flock(fd, LibC.LockExclusive | LibC.LockNonBlocking) < 0)
            {
                throw OpenFailure(LibC.LastError == Errno.TryAgain ? Errno.Busy : LibC.LastError);
            }

            if (LibC.Ioctl(fd, Tty.TiocExcl, null) < 0 && LibC.LastError == Errno.NotATty)
            {
                throw NotASerialPort(Errno.NotATty);
            }

            Configure(fd, _baudRate);
            _ = LibC.TcFlush(fd, Tty.TciFlush); // bytes that arrived before we owned the line are not ours
            if (_dtr is { } dtr)
            {
                SetModemLine(fd, Tty.ModemDtr, dtr);
            }

            if (_rts is { } rts)
            {
                SetModemLine(fd, Tty.ModemRts, rts);
            }
        }
        catch
        {
            _ = LibC.Close(fd);
            throw;
        }

        var name = _portName;
        _stream = new DescriptorStream(fd, name, errno => LineLost(name, errno), Release)
        {
            ReadTimeout = _readTimeout,
            WriteTimeout = _writeTimeout,
        };
    }

    /// <summary>Stops the reader, releases the exclusive locks and closes the tty; a read waiting on another thread
    /// returns 0. Closing a closed port does nothing.</summary>
    public void Close()
    {
        var stream = _stream;
        _stream = null;
        if (stream is not null)
        {
            _readTimeout = stream.ReadTimeout;
            _writeTimeout = stream.WriteTimeout;
            stream.Dispose();
        }
    }

    public void Dispose() => Close();

    public int Read(byte[] buffer, int offset, int count) => Stream.Read(buffer, offset, count);

    public int Read(Span<byte> buffer) => Stream.Read(buffer);

    public int ReadByte() => Stream.ReadByte();

    public void Write(byte[] buffer, int offset, int count) => Stream.Write(buffer, offset, count);

    public void Write(ReadOnlySpan<byte> buffer) => Stream.Write(buffer);

    /// <summary>Drops what was received and not read, in the driver and here.</summary>
    public void DiscardInBuffer()
    {
        _ = LibC.TcFlush(Stream.Descriptor, Tty.TciFlush);
        Stream.Received.Clear();
    }

    /// <summary>Drops what was written and not sent yet.</summary>
    public void DiscardOutBuffer() => _ = LibC.TcFlush(Stream.Descriptor, Tty.TcoFlush);

    /// <summary>The line settings as the kernel holds them (for tests and diagnostics).</summary>
    internal Termios2 ReadLineSettings()
    {
        Termios2 settings;
        if (LibC.Ioctl(Stream.Descriptor, Tty.TcGetS2, &settings) < 0)
        {
            throw new IOException($"{_portName}: TCGETS2 failed: {Errno.Describe(LibC.LastError)}");
        }

        return settings;
    }

    private DescriptorStream Stream =>
        _stream ?? throw new InvalidOperationException($"{_portName}: the port is closed; call Open() first");

    private void CheckBaudRate(int baudRate)
    {
        if (baudRate <= 0)
        {
            throw new AimcException($"{_portName}: baud rate {baudRate}: must be a positive number of bits per second, e.g. 115200");
        }
    }

    /// <summary>cfmakeraw, then 8N1, receiver on, modem control lines ignored, no hardware or software flow
    /// control, and the rate: a Bxxx code through tcsetattr, any other rate through TCSETS2 with BOTHER.</summary>
    private void Configure(int fd, int baudRate)
    {
        Termios t;
        if (LibC.TcGetAttr(fd, &t) < 0)
        {
            throw NotASerialPort(LibC.LastError);
        }

        LibC.CfMakeRaw(&t);
        t.ControlFlags &= ~(Tty.CSize | Tty.ParEnb | Tty.CStopB | Tty.CrtsCts);
        t.ControlFlags |= Tty.CS8 | Tty.CRead | Tty.CLocal;
        t.InputFlags &= ~(Tty.IXon | Tty.IXoff | Tty.IXany);
        // Reads are non-blocking and driven by poll(), so the driver should hand over every byte at once.
        t.ControlCharacters[Tty.VMin] = 0;
        t.ControlCharacters[Tty.VTime] = 0;
        var code = StandardBaudRates.CodeOf(baudRate);
        if (code is { } b)
        {
            _ = LibC.CfSetInputSpeed(&t, b);
            _ = LibC.CfSetOutputSpeed(&t, b);
        }

        if (LibC.TcSetAttr(fd, Tty.TcsaNow, &t) < 0)
        {
            throw RateRefused(baudRate, LibC.LastError);
        }

        if (code is null)
        {
            Termios2 t2;
            if (LibC.Ioctl(fd, Tty.TcGetS2, &t2) < 0)
            {
                throw RateRefused(baudRate, LibC.LastError);
            }

            t2.ControlFlags &= ~(Tty.CBaud | Tty.CIBaud);
            t2.ControlFlags |= Tty.BOther | (Tty.BOther << Tty.IBShift);
            t2.InputSpeed = (uint)baudRate;
            t2.OutputSpeed = (uint)baudRate;
            if (LibC.Ioctl(fd, Tty.TcSetS2, &t2) < 0)
            {
                throw RateRefused(baudRate, LibC.LastError);
            }

            // Drivers round to what their divisor can do; beyond a UART's ~3 % tolerance the line would garble.
            if (LibC.Ioctl(fd, Tty.TcGetS2, &t2) == 0 && Math.Abs((double)t2.OutputSpeed - baudRate) > 0.03 * baudRate)
            {
                throw new AimcException($"{_portName}: asked for {baudRate} baud, the driver set {t2.OutputSpeed}: pick a rate the bridge can divide to, e.g. 115200 or 921600");
            }
        }
    }

    private void SetModemLine(int fd, int line, bool on)
    {
        var bits = line;
        if (LibC.Ioctl(fd, on ? Tty.TiocMBis : Tty.TiocMBic, &bits) < 0)
        {
            var errno = LibC.LastError;
            // Pseudo-terminals (and some bridges) have no modem lines: ENOTTY or EINVAL, and nothing to drive.
            if (errno != Errno.NotATty && errno != Errno.InvalidArgument)
            {
                throw new AimcException($"{_portName}: cannot {(on ? "raise" : "lower")} {(line == Tty.ModemDtr ? "DTR" : "RTS")}: {Errno.Describe(errno)}");
            }
        }
    }

    private static void Release(int fd)
    {
        // A pty slave outlives our descriptor when the master keeps one open, and TTY_EXCLUSIVE stays set on the
        // tty until its last close: clear it, or the next (unprivileged) open of the path fails with EBUSY.
        _ = LibC.Ioctl(fd, Tty.TiocNxcl, null);
        _ = LibC.Flock(fd, LibC.Unlock);
    }

    private AimcException OpenFailure(int errno) => errno switch
    {
        Errno.NoEntry or Errno.NotDirectory => new AimcException($"{_portName}: no such device: is the bridge plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)"),
        Errno.AccessDenied or Errno.NotPermitted => new AimcException($"{_portName}: permission denied: add your user to the dialout group (sudo usermod -aG dialout $USER) and log in again"),
        Errno.Busy => new AimcException($"{_portName}: in use: another program has the port open exclusively; close it there first (fuser -v {_portName})"),
        Errno.NoDeviceOrAddress or Errno.NoDevice => new AimcException($"{_portName}: the device node exists but no device answers: replug the bridge and check dmesg"),
        _ => new AimcException($"{_portName}: cannot open: {Errno.Describe(errno)}"),
    };

    private AimcException NotASerialPort(int errno) =>
        new($"{_portName}: not a serial port ({Errno.Describe(errno)}): give a tty such as /dev/ttyACM0 or /dev/ttyUSB0");

    private AimcException RateRefused(int baudRate, int errno) =>
        new($"{_portName}: the driver refused {baudRate} baud ({Errno.Describe(errno)}): pick a rate the bridge supports, e.g. 115200");

    private static AimcException LineLost(string name, int errno) =>
        new AimcException($"{name}: the line went away ({(errno == 0 ? "end of file" : Errno.Describe(errno))}): was the bridge unplugged or the rig server stopped? Reopen the port");
}
