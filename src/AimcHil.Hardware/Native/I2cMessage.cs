using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct i2c_msg</c> (linux/i2c.h) on 64-bit Linux: one segment of an I2C_RDWR transaction, 16 bytes
/// (three u16, then the buffer pointer aligned to 8).</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct I2cMessage
{
    public const int Size = 16;

    /// <summary>I2C_M_RD: the adapter reads into <see cref="Buffer"/>; without it, it writes from it.</summary>
    public const ushort Read = 0x0001;

    [FieldOffset(0)] public ushort Address;
    [FieldOffset(2)] public ushort Flags;
    [FieldOffset(4)] public ushort Length;
    [FieldOffset(8)] public byte* Buffer;
}
