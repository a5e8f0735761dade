namespace AimcHil.Hardware.Native;

/// <summary>The _IOC encoding of asm-generic/ioctl.h (x86_64 and arm64): direction in bits 30..31, the argument's
/// size in bits 16..29, the driver's magic type in bits 8..15 and the command number in bits 0..7.</summary>
internal static class IoctlNumber
{
    public const uint None = 0;   // _IOC_NONE
    public const uint Write = 1;  // _IOC_WRITE: user space writes the argument into the kernel
    public const uint Read = 2;   // _IOC_READ

    /// <summary>_IOC_SIZEBITS: an argument of 16384 bytes or more cannot be encoded.</summary>
    public const int SizeBits = 14;

    public const int MaxSize = (1 << SizeBits) - 1;

    public static uint Encode(uint direction, uint type, uint number, int size)
    {
        if (size < 0 || size > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"an ioctl argument size fits in {SizeBits} bits (at most {MaxSize} bytes)");
        }

        return (direction << 30) | ((uint)size << 16) | (type << 8) | number;
    }

    /// <summary>_IOW(type, number, argument of <paramref name="size"/> bytes).</summary>
    public static uint W(uint type, uint number, int size) => Encode(Write, type, number, size);

    /// <summary>_IOR(type, number, argument of <paramref name="size"/> bytes).</summary>
    public static uint R(uint type, uint number, int size) => Encode(Read, type, number, size);

    /// <summary>_IOWR(type, number, argument of <paramref name="size"/> bytes).</summary>
    public static uint WR(uint type, uint number, int size) => Encode(Read | Write, type, number, size);
}
