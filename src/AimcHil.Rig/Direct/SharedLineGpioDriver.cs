using System.Device.Gpio;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The GPIO chip as one AD7606 of a group sharing a CONVST line sees it. Every part converts on every pulse
/// of the shared line, so the group pulses it once per scan round: the first part that pulses it leads, and the other
/// parts' CONVST writes are dropped; they take the BUSY edge of the leader's conversion (scanned after it, as DirectChip
/// scans parts in rig-file order every sample). Pulsing per part instead would leave every other part a stale BUSY
/// edge per pulse, which a later scan would take for its own and read before its conversion ends.</summary>
internal sealed class SharedLineGpioDriver(GpioController inner, SharedConvst group) : LayeredGpioDriver(inner)
{
    /// <summary>The shared line is opened once, by the first part; the others find it open and leave it as it is.</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        if (pinNumber == group.Line && group.Opened)
        {
            return;
        }

        base.SetPinMode(pinNumber, mode, initialValue);
        group.Opened |= pinNumber == group.Line;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        if (pinNumber == group.Line)
        {
            group.Leader ??= this;
            if (group.Leader != this)
            {
                return;
            }
        }

        base.Write(pinNumber, value);
    }
}
