namespace AimcHil.Hardware.Native;

/// <summary>spidev ioctl numbers (linux/spi/spidev.h, magic 'k') and the limits of one SPI_IOC_MESSAGE.</summary>
internal static class Spi
{
    public const uint Magic = 'k';

    public static readonly uint WriteMode = IoctlNumber.W(Magic, 1, sizeof(byte));          // SPI_IOC_WR_MODE (u8)
    public static readonly uint WriteMode32 = IoctlNumber.W(Magic, 5, sizeof(uint));        // SPI_IOC_WR_MODE32
    public static readonly uint WriteBitsPerWord = IoctlNumber.W(Magic, 3, sizeof(byte));   // SPI_IOC_WR_BITS_PER_WORD
    public static readonly uint WriteMaxSpeedHz = IoctlNumber.W(Magic, 4, sizeof(uint));    // SPI_IOC_WR_MAX_SPEED_HZ

    /// <summary>Mode bit SPI_CS_HIGH: chip select active high.</summary>
    public const uint ChipSelectHigh = 0x04;

    /// <summary>Mode bit SPI_LSB_FIRST: words go out least significant bit first.</summary>
    public const uint LsbFirst = 0x08;

    /// <summary>SPI_MSGSIZE(N) is 0 once N records no longer fit the 14-bit size field, so one message carries at
    /// most 511 segments (511 × 32 = 16352 &lt; 16384).</summary>
    public const int MaxSegmentsPerMessage = IoctlNumber.MaxSize / SpiIocTransfer.Size;

    /// <summary>spidev's default bounce buffer (module parameter bufsiz) when /sys does not say otherwise.</summary>
    public const int DefaultBufferSize = 4096;

    /// <summary>spidev rounds every segment up to ARCH_DMA_MINALIGN inside its bounce buffer; 128 is arm64's value
    /// (the largest of the boards we run on; x86_64 and 32-bit arm use less), so counting with it never overflows.</summary>
    public const int BufferAlignment = 128;

    /// <summary>SPI_IOC_MESSAGE(N) = _IOW('k', 0, char[N * 32]).</summary>
    public static uint Message(int segments)
    {
        if (segments < 1 || segments > MaxSegmentsPerMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), segments, $"an SPI_IOC_MESSAGE carries 1 to {MaxSegmentsPerMessage} segments");
        }

        return IoctlNumber.W(Magic, 0, segments * SpiIocTransfer.Size);
    }
}
