namespace AimcHil.Hardware.Buses;

/// <summary>Which transitions of an input line to wait for, as System.Device.Gpio.PinEventTypes.</summary>
[Flags]
public enum PinEdge
{
    None = 0,
    Rising = 1,
    Falling = 2,
    Both = Rising | Falling,
}
