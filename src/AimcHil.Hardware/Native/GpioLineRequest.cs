using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct gpio_v2_line_request</c> (linux/gpio.h): what GPIO_V2_GET_LINE_IOCTL takes on the chip's
/// descriptor, and where it returns the new line descriptor; 592 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct GpioLineRequest
{
    public const int Size = 592;
    public const int MaxLines = 64;        // GPIO_V2_LINES_MAX
    public const int MaxNameLength = 32;   // GPIO_MAX_NAME_SIZE, with the terminating NUL

    [FieldOffset(0)] public fixed uint Offsets[MaxLines];
    [FieldOffset(256)] public fixed byte Consumer[MaxNameLength];
    [FieldOffset(288)] public GpioLineConfig Config;
    [FieldOffset(560)] public uint LineCount;
    [FieldOffset(564)] public uint EventBufferSize;
    [FieldOffset(568)] public fixed uint Padding[5];
    [FieldOffset(588)] public int Descriptor;
}
