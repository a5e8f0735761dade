namespace AimcHil.Hardware.Buses;

/// <summary>How a GPIO line is opened, as System.Device.Gpio.PinMode.</summary>
public enum PinMode
{
    Input,
    Output,
    InputPullDown,
    InputPullUp,
}
