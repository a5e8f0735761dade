using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The GPIO chip as one AD7606 of a group sharing a CONVST line sees it: the shared line is opened once for
/// the group, and before each conversion the part's BUSY line is drained of edges the other parts' conversions left
/// (every part converts on every CONVST pulse, so without this a later scan would take a stale BUSY edge for its own
/// and read before its conversion ends).</summary>
internal sealed class SharedLineGpio(GpioController inner, HashSet<int> openedShared, int convstPin, int busyPin) : GpioController
{
    public override string Name => inner.Name;

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        if (pin == convstPin && !openedShared.Add(pin))
        {
            return;
        }

        inner.OpenPin(pin, mode, initial);
    }

    public override void ClosePin(int pin) => inner.ClosePin(pin);

    public override PinValue Read(int pin) => inner.Read(pin);

    public override void Write(int pin, PinValue value)
    {
        if (pin == convstPin && value == PinValue.Low)
        {
            while (inner.WaitForEdge(busyPin, PinEdge.Both, TimeSpan.Zero))
            {
            }
        }

        inner.Write(pin, value);
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout) => inner.WaitForEdge(pin, edge, timeout);
}
