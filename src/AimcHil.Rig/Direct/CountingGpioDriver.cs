using System.Device.Gpio;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>A GPIO layer that counts the calls that are kernel calls on Linux once a line is open: every read, write and
/// edge wait (an edge wait is a poll plus the event read; it counts once). Opening lines and setting modes is setup and
/// is not counted.</summary>
public sealed class CountingGpioDriver(GpioController inner) : LayeredGpioDriver(inner)
{
    private long _calls;

    /// <summary>Reads, writes and edge waits so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    protected override PinValue Read(int pinNumber)
    {
        Interlocked.Increment(ref _calls);
        return base.Read(pinNumber);
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        Interlocked.Increment(ref _calls);
        base.Write(pinNumber, value);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return base.WaitForEvent(pinNumber, eventTypes, cancellationToken);
    }
}
