using System.Device.I2c;

namespace AimcHil.Hardware.Buses;

/// <summary>A System.Device.I2c.I2cDevice whose every call is one combined transaction (a write, then a read after a
/// repeated start: one I2C_RDWR call), counted in transactions and data bytes; what register reads need, and what a
/// read-out's cost is counted in.</summary>
public abstract class I2cTransactionDevice : I2cDevice
{
    /// <summary>Transactions so far (kernel calls on a real bus).</summary>
    public long Transactions { get; private set; }

    /// <summary>Data bytes moved so far, both directions, addresses not counted.</summary>
    public long BytesMoved { get; private set; }

    public sealed override void Write(ReadOnlySpan<byte> buffer) => WriteRead(buffer, []);

    public sealed override void Read(Span<byte> buffer) => WriteRead([], buffer);

    /// <summary>Writes, then reads after a repeated start, in one transaction.</summary>
    public sealed override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        WriteReadCore(writeBuffer, readBuffer);
        Transactions++;
        BytesMoved += writeBuffer.Length + readBuffer.Length;
    }

    /// <summary>Carries out one transaction; a device that does not acknowledge its address throws
    /// <see cref="AimcHil.Core.AimcException"/> naming the bus and address.</summary>
    protected abstract void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read);
}
