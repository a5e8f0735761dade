using System.Device.Gpio;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>The GPIO chip of an emulated direct rig, as a System.Device.Gpio.GpioDriver, with the parts wired to its
/// lines: the host's outputs (START, CONVST) reach the models listening on them, and the models drive the host's inputs
/// (DONE, BUSY, ALERT/RDY) through <see cref="SimulatedGpioDriver.Drive"/>.</summary>
/// <remarks>Edges on an input queue from the moment the host sets it as an input, and WaitForEvent takes the oldest
/// queued edge of the wanted kind, as the Linux GPIO v2 character device does: the models answer within the host's
/// write, so BUSY has fallen and DONE risen before the host starts waiting. Thread-safe.</remarks>
public sealed class EmulatedGpio(string name = "emulated-gpiochip0") : SimulatedGpioDriver(name)
{
    private readonly Dictionary<int, List<Action<PinEventTypes>>> _listeners = [];

    /// <summary>Wires a model to a host output: <paramref name="onEdge"/> runs on every change of its level, in the
    /// host's thread, after the write (outside the chip's lock, so the model may drive lines in answer).</summary>
    public void Listen(int line, Action<PinEventTypes> onEdge)
    {
        lock (_listeners)
        {
            if (!_listeners.TryGetValue(line, out var list))
            {
                _listeners[line] = list = [];
            }

            list.Add(onEdge);
        }
    }

    protected override void Written(int pin, PinValue value, PinEventTypes edge)
    {
        if (edge == PinEventTypes.None)
        {
            return;
        }

        Action<PinEventTypes>[] listeners;
        lock (_listeners)
        {
            listeners = _listeners.TryGetValue(pin, out var list) ? [.. list] : [];
        }

        foreach (var listener in listeners)
        {
            listener(edge);
        }
    }
}
