using System.Device.Gpio;
using System.Device.Spi;
using System.Device.I2c;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The kernel's buses of a real board: /dev/spidevB.C, /dev/i2c-N and /dev/gpiochipN, opened on first use and
/// closed together. A missing node fails with the device's own message (which names it and how to enable it).</summary>
public sealed class LinuxDirectBuses(int gpioChip) : IDirectBuses
{
    private readonly List<IDisposable> _opened = [];
    private GpioController? _gpio;

    public LinuxDirectBuses(DirectRigConfig config)
        : this(config.GpioChip)
    {
    }

    public GpioController Gpio => _gpio ??= Track(new GpioController(new LinuxGpioDriver(gpioChip)));

    public SpiMessageDevice Spi(SpiBusConfig device)
    {
        var settings = new SpiConnectionSettings(device.Bus, device.ChipSelect) { Mode = (SpiMode)device.Mode, ClockFrequency = device.ClockHz };
        if (device.Bus > 0 && !File.Exists(settings.DevicePath))
        {
            // dtparam=spi=on (what the device's own message says) only brings up bus 0; the others are overlays.
            throw new AimcException($"{settings.DevicePath}: no such device: enable SPI bus {device.Bus} with chip select {device.ChipSelect} (on a Raspberry Pi: dtoverlay=spi{device.Bus}-{device.ChipSelect + 1}cs or more chip selects in /boot/firmware/config.txt, then reboot; ls /dev/spidev*)");
        }

        return Track(new LinuxSpiDevice(settings));
    }

    public I2cTransactionDevice I2c(int bus, int address) => Track(new LinuxI2cDevice(new I2cConnectionSettings(bus, address)));

    public void Dispose()
    {
        foreach (var device in Enumerable.Reverse(_opened))
        {
            device.Dispose();
        }

        _opened.Clear();
        _gpio = null;
    }

    private T Track<T>(T device)
        where T : IDisposable
    {
        _opened.Add(device);
        return device;
    }
}
