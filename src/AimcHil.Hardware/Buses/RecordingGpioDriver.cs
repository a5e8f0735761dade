using System.Device.Gpio;
using System.Diagnostics;

namespace AimcHil.Hardware.Buses;

/// <summary>A GPIO chip for driver tests, as a System.Device.Gpio.GpioDriver: outputs are recorded in order with
/// timestamps, inputs are driven by the test (at once, after a delay, or in answer to an output through
/// <see cref="OutputWritten"/>); edges queue as on <see cref="SimulatedGpioDriver"/>.</summary>
public sealed class RecordingGpioDriver(string name = "fake-gpiochip") : SimulatedGpioDriver(name)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<RecordedPinWrite> _writes = [];

    /// <summary>Raised after every output write (the initial level of an output included), outside the driver's
    /// lock, so a handler can drive inputs (e.g. raise BUSY when CONVST rises).</summary>
    public event Action<int, PinValue>? OutputWritten;

    /// <summary>Every output level set, in order, including the initial level of a line set as an output.</summary>
    public IReadOnlyList<RecordedPinWrite> Writes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The levels written to one pin, in order.</summary>
    public IReadOnlyList<PinValue> WritesTo(int pin) => [.. Writes.Where(w => w.Pin == pin).Select(w => w.Value)];

    /// <summary>Drives an input (or an unopened line, which keeps the level for when it is opened).</summary>
    public void SetInput(int pin, PinValue level) => Drive(pin, level);

    /// <summary>Drives an input after <paramref name="delay"/>, from a timer thread; the task completes once it is set.</summary>
    public Task SetInputAfter(int pin, PinValue level, TimeSpan delay) =>
        Task.Delay(delay).ContinueWith(_ => SetInput(pin, level), TaskScheduler.Default);

    /// <summary>Makes an input take the edge: a rising edge leaves it High, a falling one Low; when it already sits at
    /// the far level it first goes the other way (that edge is queued too).</summary>
    public void RaiseEdge(int pin, PinEventTypes edge)
    {
        if (edge is not (PinEventTypes.Rising or PinEventTypes.Falling))
        {
            throw new ArgumentException("raise Rising or Falling", nameof(edge));
        }

        var after = edge == PinEventTypes.Rising ? PinValue.High : PinValue.Low;
        if (Level(pin) == after)
        {
            SetInput(pin, after == PinValue.High ? PinValue.Low : PinValue.High);
        }

        SetInput(pin, after);
    }

    protected override void Recorded(int pin, PinValue value)
    {
        lock (_writes)
        {
            _writes.Add(new RecordedPinWrite(_writes.Count, _clock.Elapsed, pin, value));
        }
    }

    protected override void Written(int pin, PinValue value, PinEventTypes edge) => OutputWritten?.Invoke(pin, value);
}
