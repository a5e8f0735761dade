using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The GPIO chip as one AD7606 of a group sharing a CONVST line sees it. Every part converts on every pulse
/// of the shared line, so the group pulses it once per scan round: the first part that pulses it leads, and the other
/// parts' CONVST writes are dropped; they take the BUSY edge of the leader's conversion (scanned after it, as DirectChip
/// scans parts in rig-file order every sample). Pulsing per part instead would leave every other part a stale BUSY
/// edge per pulse, which a later scan would take for its own and read before its conversion ends.</summary>
internal sealed class SharedLineGpio(GpioController inner, SharedConvst group) : GpioController
{
    public override string Name => inner.Name;

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        if (pin == group.Line && group.Opened)
        {
            return;
        }

        inner.OpenPin(pin, mode, initial);
        group.Opened |= pin == group.Line;
    }

    public override void ClosePin(int pin) => inner.ClosePin(pin);

    public override PinValue Read(int pin) => inner.Read(pin);

    public override void Write(int pin, PinValue value)
    {
        if (pin == group.Line)
        {
            group.Leader ??= this;
            if (group.Leader != this)
            {
                return;
            }
        }

        inner.Write(pin, value);
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout) => inner.WaitForEdge(pin, edge, timeout);
}
