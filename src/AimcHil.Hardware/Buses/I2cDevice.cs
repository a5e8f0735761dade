namespace AimcHil.Hardware.Buses;

/// <summary>A device on an I2C bus, shaped like System.Device.I2c.I2cDevice; <see cref="WriteRead"/> is one combined
/// transaction (a repeated start, one I2C_RDWR call), as register reads need.</summary>
public abstract class I2cDevice : IDisposable
{
    public abstract I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Transactions so far (kernel calls on a real bus).</summary>
    public long Transactions { get; private set; }

    /// <summary>Data bytes moved so far, both directions, addresses not counted.</summary>
    public long BytesMoved { get; private set; }

    public void Write(ReadOnlySpan<byte> buffer) => WriteRead(buffer, []);

    public void Read(Span<byte> buffer) => WriteRead([], buffer);

    /// <summary>Writes, then reads after a repeated start, in one transaction.</summary>
    public void WriteRead(ReadOnlySpan<byte> write, Span<byte> read)
    {
        WriteReadCore(write, read);
        Transactions++;
        BytesMoved += write.Length + read.Length;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Carries out one transaction; a device that does not acknowledge its address throws
    /// <see cref="AimcHil.Core.AimcException"/> naming the bus and address.</summary>
    protected abstract void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read);

    protected virtual void Dispose(bool disposing)
    {
    }
}
