using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>The GPIO chip of an emulated direct rig, with the parts wired to its lines: the host's outputs (START,
/// CONVST) reach the models listening on them, and the models drive the host's inputs (DONE, BUSY, ALERT/RDY).</summary>
/// <remarks>Edges on an input queue from the moment the host opens it, and <see cref="WaitForEdge"/> takes the oldest
/// queued edge of the wanted kind, dropping others, as the Linux GPIO v2 character device does: the models answer
/// within the host's write, so BUSY has fallen and DONE risen before the host starts waiting. Thread-safe.</remarks>
public sealed class EmulatedGpio(string name = "emulated-gpiochip0") : GpioController
{
    private readonly object _gate = new();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, Queue<PinEdge>> _edges = [];
    private readonly Dictionary<int, List<Action<PinEdge>>> _listeners = [];

    public override string Name { get; } = name;

    /// <summary>Level changes the host made on its outputs.</summary>
    public long OutputEdges { get; private set; }

    /// <summary>Level changes the models made on the host's inputs.</summary>
    public long InputEdges { get; private set; }

    public bool IsOpen(int line)
    {
        lock (_gate)
        {
            return _modes.ContainsKey(line);
        }
    }

    /// <summary>Wires a model to a host output: <paramref name="onEdge"/> runs on every change of its level, in the
    /// host's thread, after the write (outside the controller's lock, so the model may drive lines in answer).</summary>
    public void Listen(int line, Action<PinEdge> onEdge)
    {
        lock (_gate)
        {
            if (!_listeners.TryGetValue(line, out var list))
            {
                _listeners[line] = list = [];
            }

            list.Add(onEdge);
        }
    }

    /// <summary>A model drives a line the host reads; a change of level queues the edge when the host has it open as
    /// an input (a line not yet open keeps the level for when it is).</summary>
    public void Drive(int line, PinValue level)
    {
        lock (_gate)
        {
            _levels.TryGetValue(line, out var before);
            if (_modes.TryGetValue(line, out var mode) && mode == PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {line} is driven by a part, but the host opened it as an output: two drivers on one wire; check the rig's line numbers");
            }

            _levels[line] = level;
            if (before != level)
            {
                InputEdges++;
                if (_edges.TryGetValue(line, out var queue))
                {
                    queue.Enqueue(level == PinValue.High ? PinEdge.Rising : PinEdge.Falling);
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>The level on a line, whoever drives it.</summary>
    public PinValue Level(int line)
    {
        lock (_gate)
        {
            return _levels.GetValueOrDefault(line);
        }
    }

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        if (pin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"{Name}: line numbers are offsets from 0");
        }

        PinEdge? edge = null;
        lock (_gate)
        {
            if (!_modes.TryAdd(pin, mode))
            {
                // As the kernel: one request per line.
                throw new InvalidOperationException($"{Name}: line {pin} is already open; ClosePin({pin}) first to change its mode");
            }

            _edges[pin] = new Queue<PinEdge>();
            if (mode == PinMode.Output)
            {
                edge = Change(pin, initial);
            }
            else if (!_levels.ContainsKey(pin))
            {
                // Nothing drives it yet: it floats to its bias.
                _levels[pin] = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
            }
        }

        Notify(pin, edge);
    }

    public override void ClosePin(int pin)
    {
        lock (_gate)
        {
            _modes.Remove(pin);
            _edges.Remove(pin);
            Monitor.PulseAll(_gate);
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
        PinEdge? edge;
        lock (_gate)
        {
            if (Mode(pin) != PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pin} is open as {_modes[pin]}; open it as Output to drive it");
            }

            edge = Change(pin, value);
        }

        Notify(pin, edge);
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout)
    {
        if (edge == PinEdge.None)
        {
            throw new ArgumentException("wait for Rising, Falling or Both", nameof(edge));
        }

        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        lock (_gate)
        {
            if (Mode(pin) == PinMode.Output)
            {
                throw new InvalidOperationException($"{Name}: line {pin} is an output: wait for edges on an input line");
            }

            while (true)
            {
                if (!_edges.TryGetValue(pin, out var queue))
                {
                    return false; // closed while waiting
                }

                while (queue.TryDequeue(out var queued))
                {
                    if ((queued & edge) != 0)
                    {
                        return true;
                    }
                }

                var left = deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTime.UtcNow;
                if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_gate, left);
            }
        }
    }

    private PinEdge? Change(int pin, PinValue level)
    {
        _levels.TryGetValue(pin, out var before);
        _levels[pin] = level;
        if (before == level)
        {
            return null;
        }

        OutputEdges++;
        return level == PinValue.High ? PinEdge.Rising : PinEdge.Falling;
    }

    private void Notify(int pin, PinEdge? edge)
    {
        if (edge is not { } happened)
        {
            return;
        }

        Action<PinEdge>[] listeners;
        lock (_gate)
        {
            listeners = _listeners.TryGetValue(pin, out var list) ? [.. list] : [];
        }

        foreach (var listener in listeners)
        {
            listener(happened);
        }
    }

    private PinMode Mode(int pin) =>
        _modes.TryGetValue(pin, out var mode) ? mode : throw new InvalidOperationException($"{Name}: line {pin} is not open; call OpenPin({pin}, …) first");
}
