using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpiochip_info</c> (linux/gpio.h): the chip's name, label and number of lines, from
/// GPIO_GET_CHIPINFO_IOCTL; 68 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct GpioChipInformation
{
    public const int Size = 68;

    [FieldOffset(0)] public fixed byte Name[32];
    [FieldOffset(32)] public fixed byte Label[32];
    [FieldOffset(64)] public uint Lines;
}
