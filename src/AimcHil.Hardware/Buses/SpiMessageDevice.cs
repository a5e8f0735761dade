using System.Device.Spi;

namespace AimcHil.Hardware.Buses;

/// <summary>A System.Device.Spi.SpiDevice that also takes multi-segment messages: one <see cref="Transfer"/> is one
/// kernel call (SPI_IOC_MESSAGE) with chip-select releases and delays between segments, which is what read-out scans are
/// counted in. The single-buffer calls of SpiDevice are one-segment messages, so an Iot.Device binding on this device
/// is counted the same way.</summary>
public abstract class SpiMessageDevice : SpiDevice
{
    /// <summary>Messages sent so far (kernel calls on a real bus).</summary>
    public long Messages { get; private set; }

    /// <summary>Bytes clocked so far, all segments of all messages.</summary>
    public long BytesClocked { get; private set; }

    /// <summary>Sends one message: its segments back to back, chip select held across them unless a segment releases it.</summary>
    public void Transfer(IReadOnlyList<SpiTransfer> segments)
    {
        foreach (var segment in segments)
        {
            if (!segment.Write.IsEmpty && !segment.Read.IsEmpty && segment.Write.Length != segment.Read.Length)
            {
                throw new ArgumentException($"an SPI segment clocks as many bytes in as out: write {segment.Write.Length}, read {segment.Read.Length}", nameof(segments));
            }
        }

        TransferCore(segments);
        Messages++;
        foreach (var segment in segments)
        {
            BytesClocked += segment.Length;
        }
    }

    /// <summary>Full duplex in one segment: <paramref name="writeBuffer"/> out while <paramref name="readBuffer"/> comes in.</summary>
    public sealed override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != readBuffer.Length)
        {
            throw new ArgumentException($"a full-duplex SPI transfer clocks as many bytes in as out: write {writeBuffer.Length}, read {readBuffer.Length}", nameof(readBuffer));
        }

        var input = new byte[readBuffer.Length];
        Transfer([new SpiTransfer(writeBuffer.ToArray(), input)]);
        input.CopyTo(readBuffer);
    }

    public sealed override void Write(ReadOnlySpan<byte> buffer) => Transfer([new SpiTransfer(buffer.ToArray(), Memory<byte>.Empty)]);

    public sealed override void Read(Span<byte> buffer)
    {
        var input = new byte[buffer.Length];
        Transfer([new SpiTransfer(ReadOnlyMemory<byte>.Empty, input)]);
        input.CopyTo(buffer);
    }

    /// <summary>Carries out one message (a real bus: one SPI_IOC_MESSAGE ioctl; an emulated one: the peripheral's
    /// response, byte for byte).</summary>
    protected abstract void TransferCore(IReadOnlyList<SpiTransfer> segments);

    /// <summary>Counts kernel calls beyond the one <see cref="Transfer"/> counts, for a bus that had to split a
    /// message (spidev's buffer limit), so <see cref="Messages"/> stays the number of kernel calls.</summary>
    protected void CountAdditionalMessages(int count) => Messages += count;
}
