using System.Device;
using System.Device.Gpio;

namespace AimcHil.Hardware.Buses;

/// <summary>GPIO lines held in memory, as a System.Device.Gpio.GpioDriver: the host's outputs are levels, the inputs are
/// driven from outside (<see cref="Drive"/>: a test, or an emulated part wired to the line). Edges on an input queue from
/// the moment it is set as an input, and WaitForEvent takes the oldest queued edge of the wanted kind, dropping others,
/// as the Linux GPIO v2 character device does (see <see cref="LinuxGpioDriver"/>). Thread-safe, so a part or a test can
/// drive lines while a driver waits.</summary>
public class SimulatedGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, Queue<PinEventTypes>> _edges = [];

    public SimulatedGpioDriver(string name)
    {
        Name = name;
        Controller = new GpioController(this);
    }

    /// <summary>Names the chip in messages, e.g. emulated-gpiochip0.</summary>
    public string Name { get; }

    /// <summary>The host's view of these lines: the System.Device GpioController over this driver (disposing it
    /// disposes the driver).</summary>
    public GpioController Controller { get; }

    /// <summary>Level changes the host made on its outputs.</summary>
    public long OutputEdges { get; private set; }

    /// <summary>Level changes driven on the host's inputs.</summary>
    public long InputEdges { get; private set; }

    protected override int PinCount => 64;

    /// <summary>The level on a line, whoever drives it (Low for a line nothing has driven).</summary>
    public PinValue Level(int line)
    {
        lock (_gate)
        {
            return _levels.GetValueOrDefault(line, PinValue.Low);
        }
    }

    public bool IsOpen(int line)
    {
        lock (_gate)
        {
            return _modes.ContainsKey(line);
        }
    }

    /// <summary>Drives a line the host reads; a change of level queues the edge when the host has it open as an input
    /// (a line not yet open keeps the level for when it is).</summary>
    public void Drive(int line, PinValue level)
    {
        lock (_gate)
        {
            var before = _levels.GetValueOrDefault(line, PinValue.Low);
            if (_modes.TryGetValue(line, out var mode) && mode == PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {line} is driven from outside, but the host opened it as an output: two drivers on one wire; check the line numbers");
            }

            _levels[line] = level;
            if (before != level)
            {
                InputEdges++;
                if (_edges.TryGetValue(line, out var queue))
                {
                    queue.Enqueue(level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling);
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    public override ComponentInformation QueryComponentInformation() => GpioChips.Describe(this, "GPIO lines in memory", Name);

    protected override void OpenPin(int pinNumber)
    {
        if (pinNumber < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"{Name}: line numbers are offsets from 0");
        }

        lock (_gate)
        {
            if (!_modes.TryAdd(pinNumber, PinMode.Input))
            {
                // As the kernel: one request per line.
                throw new InvalidOperationException($"{Name}: line {pinNumber} is already open; close it first");
            }

            _edges[pinNumber] = new Queue<PinEventTypes>();
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
            _edges.Remove(pinNumber);
            Monitor.PulseAll(_gate);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => SetPinMode(pinNumber, mode, Level(pinNumber));

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        PinEventTypes edge;
        lock (_gate)
        {
            Mode(pinNumber);
            _modes[pinNumber] = mode;
            _edges[pinNumber].Clear();
            if (mode != PinMode.Output)
            {
                // Nothing drives it yet: it floats to its bias.
                if (!_levels.ContainsKey(pinNumber))
                {
                    _levels[pinNumber] = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
                }

                return;
            }

            edge = Change(pinNumber, initialValue);
            Recorded(pinNumber, initialValue);
        }

        Written(pinNumber, initialValue, edge);
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return Mode(pinNumber);
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            Mode(pinNumber);
            return _levels.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        PinEventTypes edge;
        lock (_gate)
        {
            if (Mode(pinNumber) != PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pinNumber} is open as {_modes[pinNumber]}; set it to Output to drive it");
            }

            edge = Change(pinNumber, value);
            Recorded(pinNumber, value);
        }

        Written(pinNumber, value, edge);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        if ((eventTypes & (PinEventTypes.Rising | PinEventTypes.Falling)) == 0)
        {
            throw new ArgumentException("wait for Rising, Falling or both", nameof(eventTypes));
        }

        using var wake = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        });
        lock (_gate)
        {
            if (Mode(pinNumber) == PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pinNumber} is an output: wait for edges on an input line");
            }

            while (true)
            {
                if (!_edges.TryGetValue(pinNumber, out var queue))
                {
                    return new WaitForEventResult { TimedOut = true }; // closed while waiting
                }

                while (queue.TryDequeue(out var queued))
                {
                    if ((queued & eventTypes) != 0)
                    {
                        return new WaitForEventResult { EventTypes = queued };
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return new WaitForEventResult { TimedOut = true };
                }

                Monitor.Wait(_gate);
            }
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException($"{Name}: edge callbacks are not offered; wait for edges with WaitForEvent, as on the Linux driver");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException($"{Name}: edge callbacks are not offered; wait for edges with WaitForEvent, as on the Linux driver");

    /// <summary>Called under the driver's lock for every level the host sets on an output (its initial level
    /// included), so a subclass can record writes in one order across lines.</summary>
    protected virtual void Recorded(int pin, PinValue value)
    {
    }

    /// <summary>Called after every level the host sets on an output, outside the lock, so a handler may drive lines in
    /// answer; <paramref name="edge"/> is None when the level did not change.</summary>
    protected virtual void Written(int pin, PinValue value, PinEventTypes edge)
    {
    }

    private PinEventTypes Change(int pin, PinValue level)
    {
        var before = _levels.GetValueOrDefault(pin, PinValue.Low);
        _levels[pin] = level;
        if (before == level)
        {
            return PinEventTypes.None;
        }

        OutputEdges++;
        return level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
    }

    private PinMode Mode(int pin) =>
        _modes.TryGetValue(pin, out var mode) ? mode : throw new InvalidOperationException($"{Name}: line {pin} is not open; open it with GpioController.OpenPin({pin}, …) first");
}
