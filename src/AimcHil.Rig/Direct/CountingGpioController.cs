using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>A GPIO chip that counts the calls that are kernel calls on Linux once a line is open: every read, write and
/// edge wait (an edge wait is a poll plus the event read; it counts once). Opening and closing lines is setup and is
/// not counted.</summary>
public sealed class CountingGpioController(GpioController inner) : GpioController
{
    private long _calls;

    public override string Name => inner.Name;

    /// <summary>Reads, writes and edge waits so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low) => inner.OpenPin(pin, mode, initial);

    public override void ClosePin(int pin) => inner.ClosePin(pin);

    public override PinValue Read(int pin)
    {
        Interlocked.Increment(ref _calls);
        return inner.Read(pin);
    }

    public override void Write(int pin, PinValue value)
    {
        Interlocked.Increment(ref _calls);
        inner.Write(pin, value);
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout)
    {
        Interlocked.Increment(ref _calls);
        return inner.WaitForEdge(pin, edge, timeout);
    }
}
