using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_config</c> (linux/gpio.h): flags for all requested lines, then up to ten
/// attributes overriding them for some lines; 272 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct GpioLineConfig
{
    public const int Size = 272;

    [FieldOffset(0)] public ulong Flags;
    [FieldOffset(8)] public uint AttributeCount;
    [FieldOffset(12)] public fixed uint Padding[5];
    [FieldOffset(32)] public GpioLineConfigAttributes Attributes;
}
