using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_config_attribute</c> (linux/gpio.h): an attribute and the requested lines (bits
/// of the request's offsets) it applies to; 24 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct GpioLineConfigAttribute
{
    public const int Size = 24;

    [FieldOffset(0)] public GpioLineAttribute Attribute;
    [FieldOffset(16)] public ulong Mask;
}
