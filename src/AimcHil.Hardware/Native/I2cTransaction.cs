using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct i2c_rdwr_ioctl_data</c> (linux/i2c-dev.h): the messages of one I2C_RDWR call, carried out with
/// repeated starts between them and one stop at the end.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct I2cTransaction
{
    public const int Size = 16;

    [FieldOffset(0)] public I2cMessage* Messages;
    [FieldOffset(8)] public uint Count;
}
