using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_attribute</c> (linux/gpio.h): an id, then a union of flags, output values or a
/// debounce period; 16 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct GpioLineAttribute
{
    public const int Size = 16;

    public const uint FlagsId = 1;          // GPIO_V2_LINE_ATTR_ID_FLAGS
    public const uint OutputValuesId = 2;   // GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES
    public const uint DebounceId = 3;       // GPIO_V2_LINE_ATTR_ID_DEBOUNCE

    [FieldOffset(0)] public uint Id;
    [FieldOffset(4)] public uint Padding;
    [FieldOffset(8)] public ulong Flags;
    [FieldOffset(8)] public ulong Values;
    [FieldOffset(8)] public uint DebouncePeriodMicroseconds;
}
