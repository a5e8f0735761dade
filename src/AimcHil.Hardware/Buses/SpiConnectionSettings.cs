namespace AimcHil.Hardware.Buses;

/// <summary>Which SPI device to open and how to clock it, shaped like System.Device.Spi.SpiConnectionSettings:
/// bus B and chip select C are /dev/spidevB.C on Linux.</summary>
public sealed record SpiConnectionSettings(int BusId, int ChipSelectLine)
{
    public SpiMode Mode { get; init; } = SpiMode.Mode0;

    public int DataBitLength { get; init; } = 8;

    public int ClockFrequency { get; init; } = 1_000_000;

    /// <summary>The kernel's device node for these settings.</summary>
    public string DevicePath => $"/dev/spidev{BusId}.{ChipSelectLine}";
}
