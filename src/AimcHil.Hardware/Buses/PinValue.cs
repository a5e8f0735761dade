namespace AimcHil.Hardware.Buses;

/// <summary>A GPIO line's logical level, as System.Device.Gpio.PinValue.</summary>
public enum PinValue
{
    Low = 0,
    High = 1,
}
