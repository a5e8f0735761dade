using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_event</c> (linux/gpio.h): one edge, read() from a line descriptor whose request
/// asked for edge detection; 48 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct GpioLineEvent
{
    public const int Size = 48;

    public const uint RisingEdge = 1;   // GPIO_V2_LINE_EVENT_RISING_EDGE
    public const uint FallingEdge = 2;  // GPIO_V2_LINE_EVENT_FALLING_EDGE

    [FieldOffset(0)] public ulong TimestampNanoseconds;
    [FieldOffset(8)] public uint Id;
    [FieldOffset(12)] public uint Offset;
    [FieldOffset(16)] public uint Sequence;
    [FieldOffset(20)] public uint LineSequence;
    [FieldOffset(24)] public fixed uint Padding[6];
}
