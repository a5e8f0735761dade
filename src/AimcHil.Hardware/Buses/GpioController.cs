namespace AimcHil.Hardware.Buses;

/// <summary>The GPIO lines of one chip (/dev/gpiochipN), shaped like System.Device.Gpio.GpioController: open a line as
/// input or output with bias, read and write it, wait for an edge with a timeout.</summary>
public abstract class GpioController : IDisposable
{
    /// <summary>Names the controller in messages, e.g. /dev/gpiochip0.</summary>
    public abstract string Name { get; }

    public abstract void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low);

    public abstract void ClosePin(int pin);

    public abstract PinValue Read(int pin);

    public abstract void Write(int pin, PinValue value);

    /// <summary>Waits for an edge on an input line; false when <paramref name="timeout"/> passes first.</summary>
    public abstract bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
