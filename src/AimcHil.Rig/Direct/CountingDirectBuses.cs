using System.Device.Gpio;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>Buses that count what crosses them, for measuring what an MVM costs: kernel calls (SPI messages as the
/// kernel sees them, I2C transactions, GPIO reads, writes and edge waits) and bytes (SPI bytes clocked plus I2C data
/// bytes moved). Disposes the buses it wraps.</summary>
public sealed class CountingDirectBuses(IDirectBuses inner) : IDirectBuses
{
    private readonly List<SpiMessageDevice> _spi = [];
    private readonly List<I2cTransactionDevice> _i2c = [];
    private CountingGpioDriver? _counter;
    private GpioController? _gpio;

    public GpioController Gpio => _gpio ??= new GpioController(_counter = new CountingGpioDriver(inner.Gpio));

    public IChipClock? ChipClock => inner.ChipClock;

    /// <summary>SPI messages + I2C transactions + GPIO calls so far.</summary>
    public long KernelCalls => _spi.Sum(d => d.Messages) + _i2c.Sum(d => d.Transactions) + (_counter?.Calls ?? 0);

    /// <summary>SPI bytes clocked + I2C data bytes moved so far.</summary>
    public long BusBytes => _spi.Sum(d => d.BytesClocked) + _i2c.Sum(d => d.BytesMoved);

    public SpiMessageDevice Spi(SpiBusConfig device)
    {
        var spi = inner.Spi(device);
        _spi.Add(spi);
        return spi;
    }

    public I2cTransactionDevice I2c(int bus, int address)
    {
        var i2c = inner.I2c(bus, address);
        _i2c.Add(i2c);
        return i2c;
    }

    public void Dispose() => inner.Dispose();
}
