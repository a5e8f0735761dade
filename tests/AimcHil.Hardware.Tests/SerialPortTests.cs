using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Hardware.Native;
using Xunit.Abstractions;

namespace AimcHil.Hardware.Tests;

/// <summary>SerialPort on a real Linux pseudo-terminal: the host opens the slave path as it would a USB bridge and
/// the test plays the device on the master.</summary>
public class SerialPortTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(115200)]
    [InlineData(921600)]
    [InlineData(250000)]
    [InlineData(1843200)]
    public void BytesFlowBothWaysAtStandardAndCustomRates(int baudRate)
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, baudRate) { ReadTimeout = 2000, WriteTimeout = 2000 };
        port.Open();
        pty.Master.ReadTimeout = 2000;

        byte[] request = [0x00, 0x01, 0x0A, 0x0D, 0x11, 0x13, 0x03, 0x7F, 0xFF, 0x00];
        port.Write(request);
        Assert.Equal(request, LinkBytes.ReadExactly(pty.Master, request.Length));

        byte[] response = [0xFF, 0x0D, 0x0A, 0x04, 0x1A, 0x00, 0x80];
        pty.Master.Write(response);
        Assert.Equal(response, LinkBytes.ReadExactly(port.BaseStream, response.Length));
        Assert.Equal(baudRate, (int)port.ReadLineSettings().OutputSpeed);
    }

    [Fact]
    public void A921600BaudLineUsesItsBxxxCode()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 921600);
        port.Open();

        var settings = port.ReadLineSettings();

        Assert.Equal(0x1007u /* B921600 */, settings.ControlFlags & Tty.CBaud);
        Assert.Equal(921600u, settings.OutputSpeed);
    }

    [Fact]
    public void A250000BaudLineGoesThroughTermios2AndBother()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 250000);
        port.Open();

        var settings = port.ReadLineSettings();

        Assert.Equal(Tty.BOther, settings.ControlFlags & Tty.CBaud);
        Assert.Equal(Tty.BOther << Tty.IBShift, settings.ControlFlags & Tty.CIBaud);
        Assert.Equal(250000u, settings.OutputSpeed);
        Assert.Equal(250000u, settings.InputSpeed);
    }

    [Fact]
    public void ChangingTheRateOfAnOpenPortReconfiguresTheLine()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 250000);
        port.Open();

        port.BaudRate = 115200;

        Assert.Equal(0x1002u /* B115200 */, port.ReadLineSettings().ControlFlags & Tty.CBaud);
        Assert.Equal(115200u, port.ReadLineSettings().OutputSpeed);
    }

    [Fact]
    public void TheLineIsRaw8N1WithoutFlowControl()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200);
        port.Open();

        var s = port.ReadLineSettings();

        Assert.Equal(Tty.CS8, s.ControlFlags & Tty.CSize);
        Assert.Equal(Tty.CRead | Tty.CLocal, s.ControlFlags & (Tty.CRead | Tty.CLocal));
        Assert.Equal(0u, s.ControlFlags & (Tty.ParEnb | Tty.CStopB | Tty.CrtsCts));
        Assert.Equal(0u, s.InputFlags & (Tty.IXon | Tty.IXoff | Tty.IXany));
        Assert.Equal(0u, s.LocalFlags & (Tty.ICanon | Tty.Echo | Tty.ISig));
        Assert.Equal(0u, s.OutputFlags & Tty.OPost);
        unsafe
        {
            Assert.Equal(0, s.ControlCharacters[Tty.VMin]);
            Assert.Equal(0, s.ControlCharacters[Tty.VTime]);
        }
    }

    [Fact]
    public async Task OneMegabyteCrossesIntactInBothDirectionsAtOnce()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 921600) { ReadTimeout = 10000, WriteTimeout = 10000 };
        port.Open();
        pty.Master.ReadTimeout = 10000;
        pty.Master.WriteTimeout = 10000;
        var up = LinkBytes.Pattern(1 << 20, seed: 1);
        var down = LinkBytes.Pattern(1 << 20, seed: 2);

        var hostWrites = Task.Run(() => port.Write(up));
        var deviceWrites = Task.Run(() => pty.Master.Write(down));
        var deviceReads = Task.Run(() => LinkBytes.ReadExactly(pty.Master, up.Length));
        var hostReads = Task.Run(() => LinkBytes.ReadExactly(port.BaseStream, down.Length));

        await Task.WhenAll(hostWrites, deviceWrites, deviceReads, hostReads).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(up, await deviceReads);
        Assert.Equal(down, await hostReads);
    }

    [Fact]
    public void AReadWithNothingToReadTimesOutAfterAboutReadTimeout()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 200 };
        port.Open();
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<TimeoutException>(() => port.Read(new byte[16], 0, 16));

        clock.Stop();
        Assert.Equal($"{pty.SlavePath}: nothing received within 200 ms (ReadTimeout)", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 190, 700);
        output.WriteLine($"timed out after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ATimedOutPortStillReadsWhatArrivesLater()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 50 };
        port.Open();
        Assert.Throws<TimeoutException>(() => port.ReadByte());

        pty.Master.Write([0x42]);
        port.ReadTimeout = 2000;

        Assert.Equal(0x42, port.ReadByte());
    }

    [Fact]
    public void ASecondOpenOfTheSamePortIsRefused()
    {
        using var pty = PseudoTerminal.Open();
        using var first = new SerialPort(pty.SlavePath, 115200);
        first.Open();
        using var second = new SerialPort(pty.SlavePath, 115200);

        var e = Assert.Throws<AimcException>(second.Open);

        Assert.Equal($"{pty.SlavePath}: in use: another program has the port open exclusively; close it there first (fuser -v {pty.SlavePath})", e.Message);
        Assert.False(second.IsOpen);
    }

    /// <summary>What TIOCEXCL alone does: the kernel refuses a plain open() of an exclusive tty with EBUSY, except
    /// for a process with CAP_SYS_ADMIN (root in most containers and CI runners), which it lets through. That is
    /// why SerialPort also takes an flock(), which binds root too (previous test).</summary>
    [Fact]
    public void TiocexclStopsPlainOpensExceptFromProcessesWithCapSysAdmin()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200);
        port.Open();

        var fd = LibC.Open(pty.SlavePath, LibC.ReadWrite | LibC.NoControllingTty | LibC.NonBlocking);
        var errno = fd < 0 ? LibC.LastError : 0;
        if (fd >= 0)
        {
            LibC.Close(fd);
        }

        output.WriteLine($"CAP_SYS_ADMIN: {HasCapSysAdmin()}, plain open: {(fd >= 0 ? "allowed" : Errno.Describe(errno))}");
        Assert.Equal(HasCapSysAdmin() ? 0 : Errno.Busy, errno);
    }

    [Fact]
    public void AClosedPortCanBeOpenedAgain()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 2000 };
        port.Open();
        port.Close();

        port.Open();
        pty.Master.Write([7]);

        Assert.Equal(7, port.ReadByte());
        Assert.Equal(2000, port.ReadTimeout);
    }

    [Fact]
    public void OpeningAMissingDeviceSaysToCheckTheBridge()
    {
        using var port = new SerialPort("/dev/ttyACM-aimc-missing", 115200);

        var e = Assert.Throws<AimcException>(port.Open);

        Assert.Equal("/dev/ttyACM-aimc-missing: no such device: is the bridge plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)", e.Message);
    }

    [Fact]
    public void OpeningSomethingThatIsNotATtyIsRefused()
    {
        using var port = new SerialPort("/dev/null", 115200);

        var e = Assert.Throws<AimcException>(port.Open);

        Assert.Equal("/dev/null: not a serial port (Inappropriate ioctl for device): give a tty such as /dev/ttyACM0 or /dev/ttyUSB0", e.Message);
        Assert.False(port.IsOpen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-9600)]
    public void ANonPositiveBaudRateIsRefused(int baudRate)
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, baudRate);

        var e = Assert.Throws<AimcException>(port.Open);

        Assert.Equal($"{pty.SlavePath}: baud rate {baudRate}: must be a positive number of bits per second, e.g. 115200", e.Message);
    }

    [Fact]
    public async Task ClosingThePortEndsAReadWaitingOnAnotherThread()
    {
        using var pty = PseudoTerminal.Open();
        var port = new SerialPort(pty.SlavePath, 115200);
        port.Open();
        var stream = port.BaseStream;
        var pending = Task.Run(() => stream.Read(new byte[8]));
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);

        var clock = Stopwatch.StartNew();
        port.Close();

        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.InRange(clock.ElapsedMilliseconds, 0, 1000);
    }

    [Fact]
    public void WhenTheMasterGoesAwayTheHostsReadSaysTheLineWentAway()
    {
        var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 2000 };
        port.Open();

        pty.Dispose();

        var e = Assert.Throws<AimcException>(() => port.ReadByte());
        Assert.StartsWith($"{pty.SlavePath}: the line went away (", e.Message);
        Assert.EndsWith("): was the bridge unplugged or the rig server stopped? Reopen the port", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void ModemLinesAreToleratedOnAPseudoTerminal()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { DtrEnable = true, RtsEnable = true };

        port.Open();
        port.DtrEnable = false;
        port.RtsEnable = false;

        Assert.False(port.DtrEnable);
        Assert.True(port.IsOpen);
    }

    [Fact]
    public void BytesToReadCountsReceivedBytesAndDiscardInBufferDropsThem()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 100 };
        port.Open();

        pty.Master.Write([1, 2, 3, 4, 5]);
        SpinWait.SpinUntil(() => port.BytesToRead == 5, 2000);
        Assert.Equal(5, port.BytesToRead);

        port.DiscardInBuffer();

        Assert.Equal(0, port.BytesToRead);
        Assert.Throws<TimeoutException>(() => port.ReadByte());
    }

    [Fact]
    public void AClosedPortSaysToOpenItFirst()
    {
        using var port = new SerialPort("/dev/ttyACM0", 115200);

        var e = Assert.Throws<InvalidOperationException>(() => port.Write([1]));

        Assert.Equal("/dev/ttyACM0: the port is closed; call Open() first", e.Message);
    }

    [Fact]
    public void TimeoutsSetOnTheBaseStreamAreThePortsTimeouts()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 115200) { ReadTimeout = 300 };
        port.Open();

        Assert.Equal(300, port.BaseStream.ReadTimeout);
        port.BaseStream.ReadTimeout = 40;

        Assert.Equal(40, port.ReadTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => port.ReadTimeout = -2);
    }

    [Fact]
    public void TheMasterSideReadTimesOutLikeAPort()
    {
        using var pty = PseudoTerminal.Open();
        pty.Master.ReadTimeout = 100;

        var e = Assert.Throws<TimeoutException>(() => pty.Master.ReadByte());

        Assert.Equal($"{pty.SlavePath} (master): nothing received within 100 ms (ReadTimeout)", e.Message);
        Assert.StartsWith("/dev/pts/", pty.SlavePath);
    }

    [Fact]
    public void BytesWrittenBeforeTheHostOpensAreNotEchoedBack()
    {
        using var pty = PseudoTerminal.Open();
        pty.Master.ReadTimeout = 200;

        pty.Master.Write("hello\r\n"u8.ToArray());

        Assert.Throws<TimeoutException>(() => pty.Master.ReadByte());
    }

    [Fact]
    public void PortNamesAreBridgeAndUartTtysInOrder()
    {
        var names = SerialPort.GetPortNames();

        Assert.All(names, n => Assert.Matches("^/dev/tty(ACM|USB|AMA)[0-9]+$", n));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    private static bool HasCapSysAdmin()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var mask = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
        return (mask & (1UL << 21)) != 0; // CAP_SYS_ADMIN = 21 (linux/capability.h)
    }
}
