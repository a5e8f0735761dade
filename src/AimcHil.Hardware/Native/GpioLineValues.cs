using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_values</c> (linux/gpio.h): logical levels as bits, one per requested line, and
/// the mask of lines to get or set; 16 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct GpioLineValues
{
    public const int Size = 16;

    [FieldOffset(0)] public ulong Bits;
    [FieldOffset(8)] public ulong Mask;
}
