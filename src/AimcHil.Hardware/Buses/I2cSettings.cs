using System.Device.I2c;

namespace AimcHil.Hardware.Buses;

/// <summary>Where an I2C device's bus lives on Linux: bus N is /dev/i2c-N.</summary>
public static class I2cSettings
{
    extension(I2cConnectionSettings settings)
    {
        /// <summary>The kernel's device node of the bus, /dev/i2c-N.</summary>
        public string DevicePath => $"/dev/i2c-{settings.BusId}";
    }
}
