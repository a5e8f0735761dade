using System.Diagnostics;
using System.Text;
using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Buses;

/// <summary>The lines of one Linux GPIO chip (/dev/gpiochipN) through the character device v2 ioctls: each opened
/// pin is its own line request (descriptor). Input lines are requested with edge detection on both edges, so the
/// kernel queues edges from the moment the pin is opened; <see cref="WaitForEdge"/> returns the oldest queued edge
/// of the wanted kind (dropping others), which means an edge that came before the call is not missed — and also
/// that stale edges are reported: a driver that starts a fresh wait reads the level first or drains with a zero
/// timeout.</summary>
public sealed unsafe class LinuxGpioController : GpioController
{
    private const string Consumer = "aimc";

    private readonly Dictionary<int, Line> _lines = [];
    private int _chip;

    /// <summary>Opens /dev/gpiochip<paramref name="chip"/> (on a Raspberry Pi up to 4 the header is chip 0; on a Pi 5
    /// with a recent kernel, chip 0 as well; gpiodetect lists them).</summary>
    public LinuxGpioController(int chip = 0)
        : this($"/dev/gpiochip{chip}")
    {
    }

    public LinuxGpioController(string devicePath)
    {
        Name = devicePath;
        _chip = LibC.Open(devicePath, LibC.ReadWrite | LibC.CloseOnExec);
        if (_chip < 0)
        {
            throw OpenFailure(devicePath, LibC.LastError);
        }
    }

    public override string Name { get; }

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        CheckOpen();
        if (_lines.ContainsKey(pin))
        {
            throw new InvalidOperationException($"{Name}: line {pin} is already open; ClosePin({pin}) first to change its mode");
        }

        if (pin < 0)
        {
            throw new AimcException($"{Name}: line {pin}: line numbers are offsets from 0 (gpioinfo {Name} lists them)");
        }

        var flags = Flags(mode);
        var edges = mode != PinMode.Output;
        var fd = Request(pin, flags | (edges ? Gpio.EdgeRising | Gpio.EdgeFalling : 0), initial, out var errno);
        if (fd < 0 && edges && errno is Errno.InvalidArgument or Errno.NoDeviceOrAddress)
        {
            // Some lines cannot interrupt; they still work as plain inputs, only WaitForEdge is unavailable.
            edges = false;
            fd = Request(pin, flags, initial, out errno);
        }

        if (fd < 0)
        {
            throw LineFailure(pin, errno);
        }

        _lines[pin] = new Line(fd, mode, edges);
    }

    public override void ClosePin(int pin)
    {
        if (_lines.Remove(pin, out var line))
        {
            _ = LibC.Close(line.Descriptor);
        }
    }

    public override PinValue Read(int pin)
    {
        var line = Opened(pin);
        var values = new GpioLineValues { Mask = 1 };
        if (LibC.Ioctl(line.Descriptor, Gpio.GetValues, &values) < 0)
        {
            throw new AimcException($"{Name}: cannot read line {pin}: {Errno.Describe(LibC.LastError)}");
        }

        return (values.Bits & 1) != 0 ? PinValue.High : PinValue.Low;
    }

    public override void Write(int pin, PinValue value)
    {
        var line = Opened(pin);
        if (line.Mode != PinMode.Output)
        {
            throw new InvalidOperationException($"{Name}: line {pin} is open as {line.Mode}; open it as Output to drive it");
        }

        var values = new GpioLineValues { Bits = value == PinValue.High ? 1UL : 0UL, Mask = 1 };
        if (LibC.Ioctl(line.Descriptor, Gpio.SetValues, &values) < 0)
        {
            throw new AimcException($"{Name}: cannot drive line {pin}: {Errno.Describe(LibC.LastError)}");
        }
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout)
    {
        var line = Opened(pin);
        if (line.Mode == PinMode.Output || !line.Edges)
        {
            throw new InvalidOperationException($"{Name}: line {pin} {(line.Mode == PinMode.Output ? "is an output" : "cannot detect edges on this chip")}: wait for edges on an input line");
        }

        if (edge == PinEdge.None)
        {
            throw new ArgumentException("wait for Rising, Falling or Both", nameof(edge));
        }

        var clock = Stopwatch.StartNew();
        var infinite = timeout == Timeout.InfiniteTimeSpan;
        while (true)
        {
            var left = infinite ? -1 : (int)Math.Clamp(Math.Ceiling((timeout - clock.Elapsed).TotalMilliseconds), 0, int.MaxValue);
            var poll = new PollFd { Descriptor = line.Descriptor, Events = PollFd.In };
            var ready = LibC.Poll(&poll, 1, left);
            if (ready < 0)
            {
                if (LibC.LastError == Errno.Interrupted)
                {
                    continue;
                }

                throw new AimcException($"{Name}: waiting for an edge on line {pin} failed: {Errno.Describe(LibC.LastError)}");
            }

            if (ready == 0)
            {
                return false;
            }

            GpioLineEvent e;
            var read = LibC.Read(line.Descriptor, (byte*)&e, GpioLineEvent.Size);
            if (read < 0)
            {
                if (LibC.LastError is Errno.Interrupted or Errno.TryAgain)
                {
                    continue;
                }

                throw new AimcException($"{Name}: reading an edge of line {pin} failed: {Errno.Describe(LibC.LastError)}");
            }

            if (Matches(e.Id, edge))
            {
                return true;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var pin in _lines.Keys.ToArray())
        {
            ClosePin(pin);
        }

        if (_chip >= 0)
        {
            _ = LibC.Close(_chip);
            _chip = -1;
        }
    }

    /// <summary>The request GPIO_V2_GET_LINE_IOCTL takes for one line: its offset, our consumer label (what
    /// gpioinfo shows), the flags, and for an output its initial level as an output-values attribute, so the line
    /// never glitches to the wrong level when it becomes an output.</summary>
    internal static GpioLineRequest Describe(int pin, ulong flags, PinValue initial)
    {
        var request = new GpioLineRequest { LineCount = 1 };
        request.Offsets[0] = (uint)pin;
        var consumer = Encoding.ASCII.GetBytes(Consumer);
        for (var i = 0; i < consumer.Length; i++)
        {
            request.Consumer[i] = consumer[i];
        }

        request.Config.Flags = flags;
        if ((flags & Gpio.Output) != 0)
        {
            request.Config.AttributeCount = 1;
            request.Config.Attributes[0] = new GpioLineConfigAttribute
            {
                Attribute = new GpioLineAttribute { Id = GpioLineAttribute.OutputValuesId, Values = initial == PinValue.High ? 1UL : 0UL },
                Mask = 1,
            };
        }

        return request;
    }

    internal static ulong Flags(PinMode mode) => mode switch
    {
        PinMode.Output => Gpio.Output,
        PinMode.Input => Gpio.Input,
        PinMode.InputPullUp => Gpio.Input | Gpio.BiasPullUp,
        PinMode.InputPullDown => Gpio.Input | Gpio.BiasPullDown,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a pin mode"),
    };

    internal static bool Matches(uint eventId, PinEdge edge) =>
        (eventId == GpioLineEvent.RisingEdge && edge.HasFlag(PinEdge.Rising))
        || (eventId == GpioLineEvent.FallingEdge && edge.HasFlag(PinEdge.Falling));

    private int Request(int pin, ulong flags, PinValue initial, out int errno)
    {
        var request = Describe(pin, flags, initial);
        if (LibC.Ioctl(_chip, Gpio.GetLine, &request) < 0)
        {
            errno = LibC.LastError;
            return -1;
        }

        errno = 0;
        return request.Descriptor;
    }

    private void CheckOpen() => ObjectDisposedException.ThrowIf(_chip < 0, this);

    private Line Opened(int pin)
    {
        CheckOpen();
        return _lines.TryGetValue(pin, out var line)
            ? line
            : throw new InvalidOperationException($"{Name}: line {pin} is not open; call OpenPin({pin}, …) first");
    }

    private AimcException LineFailure(int pin, int errno) => errno switch
    {
        Errno.Busy => new AimcException($"{Name}: line {pin} is in use by another program or driver (gpioinfo {Name} shows the consumer)"),
        Errno.InvalidArgument => new AimcException($"{Name}: line {pin} does not exist or cannot be configured so ({Errno.Describe(errno)}): gpioinfo {Name} lists the lines"),
        Errno.AccessDenied or Errno.NotPermitted => new AimcException($"{Name}: permission denied for line {pin}: add your user to the gpio group (sudo usermod -aG gpio $USER) and log in again"),
        _ => new AimcException($"{Name}: cannot open line {pin}: {Errno.Describe(errno)}"),
    };

    internal static AimcException OpenFailure(string path, int errno) => errno switch
    {
        Errno.NoEntry or Errno.NotDirectory or Errno.NoDevice or Errno.NoDeviceOrAddress =>
            new AimcException($"{path}: no such device: this machine has no such GPIO chip (ls /dev/gpiochip*; gpiodetect names them)"),
        Errno.AccessDenied or Errno.NotPermitted =>
            new AimcException($"{path}: permission denied: add your user to the gpio group (sudo usermod -aG gpio $USER) and log in again"),
        _ => new AimcException($"{path}: cannot open: {Errno.Describe(errno)}"),
    };

    private readonly record struct Line(int Descriptor, PinMode Mode, bool Edges);
}
