namespace AimcHil.Hardware.Buses;

/// <summary>One segment of an SPI message (one spi_ioc_transfer record): bytes clocked out and, full duplex, the bytes
/// clocked in at the same time.</summary>
/// <param name="Write">Bytes sent; when empty, zeros are sent for the length of <paramref name="Read"/>.</param>
/// <param name="Read">Where the received bytes go; empty when they are not wanted.</param>
/// <param name="DeselectAfter">Release chip select after this segment (before the next one of the same message);
/// the last segment of a message always releases it.</param>
/// <param name="DelayMicroseconds">Wait after this segment before the next (or before chip select is released).</param>
public readonly record struct SpiTransfer(ReadOnlyMemory<byte> Write, Memory<byte> Read, bool DeselectAfter = false, ushort DelayMicroseconds = 0)
{
    /// <summary>Bytes clocked in this segment (the longer of the two buffers).</summary>
    public int Length => Math.Max(Write.Length, Read.Length);
}
