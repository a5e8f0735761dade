using System.Device.Spi;

namespace AimcHil.Hardware.Buses;

/// <summary>Where an SPI device lives on Linux: bus B, chip select C is /dev/spidevB.C.</summary>
public static class SpiSettings
{
    extension(SpiConnectionSettings settings)
    {
        /// <summary>The kernel's device node for these settings, /dev/spidevB.C.</summary>
        public string DevicePath => $"/dev/spidev{settings.BusId}.{settings.ChipSelectLine}";
    }
}
