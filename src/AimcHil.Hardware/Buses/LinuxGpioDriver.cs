using System.Device;
using System.Device.Gpio;
using System.Text;
using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Buses;

/// <summary>The lines of one Linux GPIO chip (/dev/gpiochipN) through the character device v2 ioctls, as a
/// System.Device.Gpio.GpioDriver (hand it to <c>new GpioController(driver)</c>); no libgpiod needed. Each opened pin is
/// its own line request (descriptor). Input lines are configured with edge detection on both edges, so the kernel queues
/// edges from the moment the mode is set, not from the moment WaitForEvent is called (System.Device.Gpio 4.2's libgpiod
/// v1 driver subscribes there, and loses an AD7606 BUSY edge 4 µs after CONVST); WaitForEvent returns the oldest queued
/// edge of the wanted kind (dropping others), which means an edge that came before the call is not missed — and also
/// that stale edges are reported: a driver that starts a fresh wait reads the level first or drains with an already
/// cancelled token.</summary>
public sealed unsafe class LinuxGpioDriver : GpioDriver
{
    private const string Consumer = "aimc";

    private readonly object _gate = new();
    private readonly Dictionary<int, Line> _lines = [];
    private int _chip;

    /// <summary>Opens /dev/gpiochip<paramref name="chip"/> (on a Raspberry Pi up to 4 the header is chip 0; on a Pi 5
    /// with a recent kernel, chip 0 as well; gpiodetect lists them).</summary>
    public LinuxGpioDriver(int chip = 0)
        : this($"/dev/gpiochip{chip}")
    {
    }

    public LinuxGpioDriver(string devicePath)
    {
        Name = devicePath;
        _chip = LibC.Open(devicePath, LibC.ReadWrite | LibC.CloseOnExec);
        if (_chip < 0)
        {
            throw OpenFailure(devicePath, LibC.LastError);
        }
    }

    /// <summary>The chip's device node, for messages.</summary>
    public string Name { get; }

    public override ComponentInformation QueryComponentInformation() => GpioChips.Describe(this, "Linux GPIO character device (v2)", Name);

    protected override int PinCount
    {
        get
        {
            CheckOpen();
            GpioChipInformation info;
            if (LibC.Ioctl(_chip, Gpio.GetChipInfo, &info) < 0)
            {
                throw new AimcException($"{Name}: cannot read the chip's line count: {Errno.Describe(LibC.LastError)}");
            }

            return (int)info.Lines;
        }
    }

    /// <summary>Requests the line as it is (no direction change, so an output keeps driving its level); the mode is set
    /// by <see cref="SetPinMode(int, PinMode, PinValue)"/>, which GpioController.OpenPin(pin, mode) calls next.</summary>
    protected override void OpenPin(int pinNumber)
    {
        CheckOpen();
        if (pinNumber < 0)
        {
            throw new AimcException($"{Name}: line {pinNumber}: line numbers are offsets from 0 (gpioinfo {Name} lists them)");
        }

        lock (_gate)
        {
            if (_lines.ContainsKey(pinNumber))
            {
                throw new InvalidOperationException($"{Name}: line {pinNumber} is already open; close it first");
            }

            var request = Describe(pinNumber, 0, PinValue.Low);
            if (LibC.Ioctl(_chip, Gpio.GetLine, &request) < 0)
            {
                throw LineFailure(pinNumber, LibC.LastError);
            }

            var wake = LibC.EventFd(0, LibC.CloseOnExec | LibC.EventNonBlocking);
            if (wake < 0)
            {
                var errno = LibC.LastError;
                _ = LibC.Close(request.Descriptor);
                throw new AimcException($"{Name}: cannot open line {pinNumber}: no event descriptor for waits ({Errno.Describe(errno)})");
            }

            _lines[pinNumber] = new Line(request.Descriptor, wake) { Mode = PinMode.Input };
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            if (_lines.Remove(pinNumber, out var line))
            {
                _ = LibC.Close(line.Descriptor);
                _ = LibC.Close(line.Wake);
            }
        }
    }

    /// <summary>An output set without a level keeps the level the line has now.</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode) =>
        SetPinMode(pinNumber, mode, mode == PinMode.Output ? Read(pinNumber) : PinValue.Low);

    /// <summary>Reconfigures the line in place (GPIO_V2_LINE_SET_CONFIG): an output is given its initial level in the
    /// same call, so it never glitches to the wrong level; an input gets edge detection on both edges, or none on a
    /// line that cannot interrupt (then it still reads, only WaitForEvent is unavailable).</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        var line = Opened(pinNumber);
        var flags = Flags(mode);
        var edges = mode != PinMode.Output;
        var errno = Configure(line, pinNumber, flags | (edges ? Gpio.EdgeRising | Gpio.EdgeFalling : 0), initialValue);
        if (errno is Errno.InvalidArgument or Errno.NoDeviceOrAddress && edges)
        {
            edges = false;
            errno = Configure(line, pinNumber, flags, initialValue);
        }

        if (errno != 0)
        {
            throw LineFailure(pinNumber, errno);
        }

        line.Mode = mode;
        line.Edges = edges;
    }

    protected override PinMode GetPinMode(int pinNumber) => Opened(pinNumber).Mode;

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber)
    {
        var line = Opened(pinNumber);
        var values = new GpioLineValues { Mask = 1 };
        if (LibC.Ioctl(line.Descriptor, Gpio.GetValues, &values) < 0)
        {
            throw new AimcException($"{Name}: cannot read line {pinNumber}: {Errno.Describe(LibC.LastError)}");
        }

        return (values.Bits & 1) != 0 ? PinValue.High : PinValue.Low;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        var line = Opened(pinNumber);
        if (line.Mode != PinMode.Output)
        {
            throw new InvalidOperationException($"{Name}: line {pinNumber} is open as {line.Mode}; set it to Output to drive it");
        }

        var values = new GpioLineValues { Bits = value == PinValue.High ? 1UL : 0UL, Mask = 1 };
        if (LibC.Ioctl(line.Descriptor, Gpio.SetValues, &values) < 0)
        {
            throw new AimcException($"{Name}: cannot drive line {pinNumber}: {Errno.Describe(LibC.LastError)}");
        }
    }

    /// <summary>The oldest queued edge of <paramref name="eventTypes"/>; TimedOut once the token is cancelled with
    /// none queued (an already cancelled token drains the queue without waiting).</summary>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var line = Opened(pinNumber);
        if (line.Mode == PinMode.Output || !line.Edges)
        {
            throw new InvalidOperationException($"{Name}: line {pinNumber} {(line.Mode == PinMode.Output ? "is an output" : "cannot detect edges on this chip")}: wait for edges on an input line");
        }

        if ((eventTypes & (PinEventTypes.Rising | PinEventTypes.Falling)) == 0)
        {
            throw new ArgumentException("wait for Rising, Falling or both", nameof(eventTypes));
        }

        Drain(line.Wake);
        using var wake = cancellationToken.CanBeCanceled ? cancellationToken.Register(static w => Signal((int)w!), line.Wake) : default;
        var polls = stackalloc PollFd[2];
        while (true)
        {
            polls[0] = new PollFd { Descriptor = line.Descriptor, Events = PollFd.In };
            polls[1] = new PollFd { Descriptor = line.Wake, Events = PollFd.In };
            var ready = LibC.Poll(polls, 2, cancellationToken.IsCancellationRequested ? 0 : -1);
            if (ready < 0)
            {
                if (LibC.LastError == Errno.Interrupted)
                {
                    continue;
                }

                throw new AimcException($"{Name}: waiting for an edge on line {pinNumber} failed: {Errno.Describe(LibC.LastError)}");
            }

            if ((polls[0].ReturnedEvents & PollFd.In) == 0)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
                }

                continue;
            }

            GpioLineEvent e;
            var read = LibC.Read(line.Descriptor, (byte*)&e, GpioLineEvent.Size);
            if (read < 0)
            {
                if (LibC.LastError is Errno.Interrupted or Errno.TryAgain)
                {
                    continue;
                }

                throw new AimcException($"{Name}: reading an edge of line {pinNumber} failed: {Errno.Describe(LibC.LastError)}");
            }

            var edge = Edge(e.Id);
            if ((edge & eventTypes) != 0)
            {
                return new WaitForEventResult { TimedOut = false, EventTypes = edge };
            }
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException($"{Name}: edge callbacks are not offered; wait for edges with WaitForEvent (edges queue from the moment the line is set as an input)");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException($"{Name}: edge callbacks are not offered; wait for edges with WaitForEvent");

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
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

        base.Dispose(disposing);
    }

    /// <summary>The request GPIO_V2_GET_LINE_IOCTL takes for one line: its offset, our consumer label (what
    /// gpioinfo shows), the flags, and for an output its initial level as an output-values attribute.</summary>
    internal static GpioLineRequest Describe(int pin, ulong flags, PinValue initial)
    {
        var request = new GpioLineRequest { LineCount = 1 };
        request.Offsets[0] = (uint)pin;
        var consumer = Encoding.ASCII.GetBytes(Consumer);
        for (var i = 0; i < consumer.Length; i++)
        {
            request.Consumer[i] = consumer[i];
        }

        request.Config = Configuration(flags, initial);
        return request;
    }

    /// <summary>The line configuration for <paramref name="flags"/>: an output carries its level as an output-values
    /// attribute, so the level and the direction change in one call.</summary>
    internal static GpioLineConfig Configuration(ulong flags, PinValue initial)
    {
        var config = new GpioLineConfig { Flags = flags };
        if ((flags & Gpio.Output) != 0)
        {
            config.AttributeCount = 1;
            config.Attributes[0] = new GpioLineConfigAttribute
            {
                Attribute = new GpioLineAttribute { Id = GpioLineAttribute.OutputValuesId, Values = initial == PinValue.High ? 1UL : 0UL },
                Mask = 1,
            };
        }

        return config;
    }

    internal static ulong Flags(PinMode mode) => mode switch
    {
        PinMode.Output => Gpio.Output,
        PinMode.Input => Gpio.Input,
        PinMode.InputPullUp => Gpio.Input | Gpio.BiasPullUp,
        PinMode.InputPullDown => Gpio.Input | Gpio.BiasPullDown,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a pin mode"),
    };

    /// <summary>The System.Device edge kind of a kernel line event id.</summary>
    internal static PinEventTypes Edge(uint eventId) => eventId switch
    {
        GpioLineEvent.RisingEdge => PinEventTypes.Rising,
        GpioLineEvent.FallingEdge => PinEventTypes.Falling,
        _ => PinEventTypes.None,
    };

    internal static AimcException OpenFailure(string path, int errno) => errno switch
    {
        Errno.NoEntry or Errno.NotDirectory or Errno.NoDevice or Errno.NoDeviceOrAddress =>
            new AimcException($"{path}: no such device: this machine has no such GPIO chip (ls /dev/gpiochip*; gpiodetect names them)"),
        Errno.AccessDenied or Errno.NotPermitted =>
            new AimcException($"{path}: permission denied: add your user to the gpio group (sudo usermod -aG gpio $USER) and log in again"),
        _ => new AimcException($"{path}: cannot open: {Errno.Describe(errno)}"),
    };

    private static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = LibC.Write(eventFd, (byte*)&one, sizeof(ulong));
    }

    private static void Drain(int eventFd)
    {
        ulong count;
        _ = LibC.Read(eventFd, (byte*)&count, sizeof(ulong));
    }

    private static int Configure(Line line, int pin, ulong flags, PinValue initial)
    {
        var config = Configuration(flags, initial);
        return LibC.Ioctl(line.Descriptor, Gpio.SetConfig, &config) < 0 ? LibC.LastError : 0;
    }

    private void CheckOpen() => ObjectDisposedException.ThrowIf(_chip < 0, this);

    private Line Opened(int pin)
    {
        CheckOpen();
        lock (_gate)
        {
            return _lines.TryGetValue(pin, out var line)
                ? line
                : throw new InvalidOperationException($"{Name}: line {pin} is not open; open it with GpioController.OpenPin({pin}, …) first");
        }
    }

    private AimcException LineFailure(int pin, int errno) => errno switch
    {
        Errno.Busy => new AimcException($"{Name}: line {pin} is in use by another program or driver (gpioinfo {Name} shows the consumer)"),
        Errno.InvalidArgument => new AimcException($"{Name}: line {pin} does not exist or cannot be configured so ({Errno.Describe(errno)}): gpioinfo {Name} lists the lines"),
        Errno.AccessDenied or Errno.NotPermitted => new AimcException($"{Name}: permission denied for line {pin}: add your user to the gpio group (sudo usermod -aG gpio $USER) and log in again"),
        _ => new AimcException($"{Name}: cannot open line {pin}: {Errno.Describe(errno)}"),
    };

    /// <summary>One requested line: its descriptor, the event descriptor a cancelled wait is woken through, and how it
    /// is configured now.</summary>
    private sealed class Line(int descriptor, int wake)
    {
        public int Descriptor { get; } = descriptor;

        public int Wake { get; } = wake;

        public PinMode Mode { get; set; }

        public bool Edges { get; set; }
    }
}
