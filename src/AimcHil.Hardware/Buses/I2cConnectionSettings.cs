namespace AimcHil.Hardware.Buses;

/// <summary>Which I2C device to talk to, shaped like System.Device.I2c.I2cConnectionSettings: bus N is /dev/i2c-N.</summary>
public sealed record I2cConnectionSettings(int BusId, int DeviceAddress)
{
    public string DevicePath => $"/dev/i2c-{BusId}";
}
