using System.Diagnostics;

namespace AimcHil.Hardware.Buses;

/// <summary>A GPIO chip for driver tests: outputs are recorded in order with timestamps, inputs are driven by the test
/// (at once, after a delay, or in answer to an output through <see cref="OutputWritten"/>). Edges queue like the
/// Linux controller's: from the moment an input is opened, and <see cref="WaitForEdge"/> takes the oldest queued edge
/// of the wanted kind, dropping others. Thread-safe, so a test can drive lines while a driver waits.</summary>
public sealed class FakeGpioController : GpioController
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, Queue<PinEdge>> _edges = [];
    private readonly List<RecordedPinWrite> _writes = [];

    public override string Name => "fake-gpiochip";

    /// <summary>Raised after every output write, outside the controller's lock, so a handler can drive inputs
    /// (e.g. raise BUSY when CONVST rises).</summary>
    public event Action<int, PinValue>? OutputWritten;

    /// <summary>Every output write in order, including the initial level set by OpenPin.</summary>
    public IReadOnlyList<RecordedPinWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The levels written to one pin, in order.</summary>
    public IReadOnlyList<PinValue> WritesTo(int pin) => [.. Writes.Where(w => w.Pin == pin).Select(w => w.Value)];

    public bool IsOpen(int pin)
    {
        lock (_gate)
        {
            return _modes.ContainsKey(pin);
        }
    }

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        lock (_gate)
        {
            if (!_modes.TryAdd(pin, mode))
            {
                throw new InvalidOperationException($"{Name}: line {pin} is already open; ClosePin({pin}) first to change its mode");
            }

            _edges[pin] = new Queue<PinEdge>();
            if (mode == PinMode.Output)
            {
                _levels[pin] = initial;
                _writes.Add(new RecordedPinWrite(_writes.Count, _clock.Elapsed, pin, initial));
            }
            else if (!_levels.ContainsKey(pin))
            {
                // An undriven input floats to its bias; without one, reads Low.
                _levels[pin] = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
            }
        }
    }

    public override void ClosePin(int pin)
    {
        lock (_gate)
        {
            _modes.Remove(pin);
            _edges.Remove(pin);
        }
    }

    public override PinValue Read(int pin)
    {
        lock (_gate)
        {
            Mode(pin);
            return _levels[pin];
        }
    }

    public override void Write(int pin, PinValue value)
    {
        lock (_gate)
        {
            if (Mode(pin) != PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pin} is open as {_modes[pin]}; open it as Output to drive it");
            }

            _levels[pin] = value;
            _writes.Add(new RecordedPinWrite(_writes.Count, _clock.Elapsed, pin, value));
        }

        OutputWritten?.Invoke(pin, value);
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout)
    {
        if (edge == PinEdge.None)
        {
            throw new ArgumentException("wait for Rising, Falling or Both", nameof(edge));
        }

        var deadline = timeout == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : _clock.Elapsed + timeout;
        lock (_gate)
        {
            if (Mode(pin) == PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pin} is an output: wait for edges on an input line");
            }

            while (true)
            {
                var queue = _edges[pin];
                while (queue.TryDequeue(out var queued))
                {
                    if ((queued & edge) != 0)
                    {
                        return true;
                    }
                }

                var left = deadline - _clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_gate, left > TimeSpan.FromDays(1) ? Timeout.InfiniteTimeSpan : left);
                if (!_edges.ContainsKey(pin))
                {
                    return false; // closed while waiting
                }
            }
        }
    }

    /// <summary>Drives an input (or an unopened line, which keeps the level for when it is opened); a change of level
    /// queues the edge for waiters.</summary>
    public void SetInput(int pin, PinValue level)
    {
        lock (_gate)
        {
            _levels.TryGetValue(pin, out var before);
            _levels[pin] = level;
            if (before != level && _edges.TryGetValue(pin, out var queue) && _modes[pin] != PinMode.Output)
            {
                queue.Enqueue(level == PinValue.High ? PinEdge.Rising : PinEdge.Falling);
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Drives an input after <paramref name="delay"/>, from a timer thread; the task completes once it is set.</summary>
    public Task SetInputAfter(int pin, PinValue level, TimeSpan delay) =>
        Task.Delay(delay).ContinueWith(_ => SetInput(pin, level), TaskScheduler.Default);

    /// <summary>Makes an input take the edge: a rising edge leaves it High, a falling one Low; when it already
    /// sits at the far level it first goes the other way (that edge is queued too).</summary>
    public void RaiseEdge(int pin, PinEdge edge)
    {
        if (edge is not (PinEdge.Rising or PinEdge.Falling))
        {
            throw new ArgumentException("raise Rising or Falling", nameof(edge));
        }

        var after = edge == PinEdge.Rising ? PinValue.High : PinValue.Low;
        lock (_gate)
        {
            if (_levels.TryGetValue(pin, out var now) && now == after)
            {
                SetInput(pin, after == PinValue.High ? PinValue.Low : PinValue.High);
            }

            SetInput(pin, after);
        }
    }

    private PinMode Mode(int pin) =>
        _modes.TryGetValue(pin, out var mode) ? mode : throw new InvalidOperationException($"{Name}: line {pin} is not open; call OpenPin({pin}, …) first");
}
