namespace AimcHil.Hardware.Native;

/// <summary>GPIO character device v2 ioctl numbers and line flags (linux/gpio.h, magic 0xB4).</summary>
internal static class Gpio
{
    public const uint Magic = 0xB4;

    public static readonly uint GetChipInfo = IoctlNumber.R(Magic, 0x01, GpioChipInformation.Size);   // GPIO_GET_CHIPINFO_IOCTL
    public static readonly uint GetLine = IoctlNumber.WR(Magic, 0x07, GpioLineRequest.Size);          // GPIO_V2_GET_LINE_IOCTL
    public static readonly uint SetConfig = IoctlNumber.WR(Magic, 0x0D, GpioLineConfig.Size);        // GPIO_V2_LINE_SET_CONFIG_IOCTL
    public static readonly uint GetValues = IoctlNumber.WR(Magic, 0x0E, GpioLineValues.Size);        // GPIO_V2_LINE_GET_VALUES_IOCTL
    public static readonly uint SetValues = IoctlNumber.WR(Magic, 0x0F, GpioLineValues.Size);        // GPIO_V2_LINE_SET_VALUES_IOCTL

    // enum gpio_v2_line_flag
    public const ulong Input = 1UL << 2;
    public const ulong Output = 1UL << 3;
    public const ulong EdgeRising = 1UL << 4;
    public const ulong EdgeFalling = 1UL << 5;
    public const ulong BiasPullUp = 1UL << 8;
    public const ulong BiasPullDown = 1UL << 9;
}
