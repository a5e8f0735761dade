using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct spi_ioc_transfer</c> (linux/spi/spidev.h): one segment of an SPI_IOC_MESSAGE; the same 32-byte
/// layout for 32- and 64-bit user space, buffers passed as u64 addresses.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct SpiIocTransfer
{
    public const int Size = 32;

    [FieldOffset(0)] public ulong TxBuffer;
    [FieldOffset(8)] public ulong RxBuffer;
    [FieldOffset(16)] public uint Length;
    [FieldOffset(20)] public uint SpeedHz;
    [FieldOffset(24)] public ushort DelayMicroseconds;
    [FieldOffset(26)] public byte BitsPerWord;
    [FieldOffset(27)] public byte ChipSelectChange;
    [FieldOffset(28)] public byte TxBits;
    [FieldOffset(29)] public byte RxBits;
    [FieldOffset(30)] public byte WordDelayMicroseconds;
    [FieldOffset(31)] public byte Pad;
}
