namespace AimcHil.Hardware.Buses;

/// <summary>A device on an SPI bus, shaped like System.Device.Spi.SpiDevice, with multi-segment messages: one
/// <see cref="Transfer"/> is one kernel call (SPI_IOC_MESSAGE), which is what read-out scans are counted in.</summary>
public abstract class SpiDevice : IDisposable
{
    public abstract SpiConnectionSettings ConnectionSettings { get; }

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

    /// <summary>Full duplex in one segment: <paramref name="write"/> out while <paramref name="read"/> comes in.</summary>
    public void TransferFullDuplex(ReadOnlySpan<byte> write, Span<byte> read)
    {
        var input = new byte[read.Length];
        Transfer([new SpiTransfer(write.ToArray(), input)]);
        input.CopyTo(read);
    }

    public void Write(ReadOnlySpan<byte> buffer) => Transfer([new SpiTransfer(buffer.ToArray(), Memory<byte>.Empty)]);

    public void Read(Span<byte> buffer)
    {
        var input = new byte[buffer.Length];
        Transfer([new SpiTransfer(ReadOnlyMemory<byte>.Empty, input)]);
        input.CopyTo(buffer);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Carries out one message (a real bus: one SPI_IOC_MESSAGE ioctl; an emulated one: the peripheral's
    /// response, byte for byte).</summary>
    protected abstract void TransferCore(IReadOnlyList<SpiTransfer> segments);

    /// <summary>Counts kernel calls beyond the one <see cref="Transfer"/> counts, for a bus that had to split a
    /// message (spidev's buffer limit), so <see cref="Messages"/> stays the number of kernel calls.</summary>
    protected void CountAdditionalMessages(int count) => Messages += count;

    protected virtual void Dispose(bool disposing)
    {
    }
}
