namespace AimcHil.Hardware.Native;

/// <summary>i2c-dev ioctl numbers and limits (linux/i2c-dev.h); these predate _IOC and are plain numbers.</summary>
internal static class I2c
{
    public const uint ReadWrite = 0x0707;      // I2C_RDWR
    public const int MaxMessages = 42;         // I2C_RDWR_IOCTL_MAX_MSGS

    /// <summary>i2c-dev refuses (EINVAL) any single message longer than this (drivers/i2c/i2c-dev.c, 8192).</summary>
    public const int MaxMessageLength = 8192;

    /// <summary>The highest 7-bit address; 10-bit addressing needs I2C_M_TEN, which nothing here uses.</summary>
    public const int MaxAddress = 0x7F;
}
