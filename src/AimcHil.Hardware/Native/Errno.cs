using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary>The errno values this layer reacts to (asm-generic/errno-base.h, errno.h).</summary>
internal static class Errno
{
    public const int NoEntry = 2;         // ENOENT
    public const int Interrupted = 4;     // EINTR
    public const int IO = 5;              // EIO
    public const int NoDeviceOrAddress = 6; // ENXIO
    public const int TryAgain = 11;       // EAGAIN == EWOULDBLOCK
    public const int AccessDenied = 13;   // EACCES
    public const int Busy = 16;           // EBUSY
    public const int NoDevice = 19;       // ENODEV
    public const int NotDirectory = 20;   // ENOTDIR
    public const int InvalidArgument = 22; // EINVAL
    public const int NotATty = 25;        // ENOTTY
    public const int NotPermitted = 1;    // EPERM
    public const int MessageTooLong = 90; // EMSGSIZE
    public const int TimedOut = 110;      // ETIMEDOUT
    public const int RemoteIO = 121;      // EREMOTEIO: an I2C adapter's NACK

    /// <summary>The C library's text for an errno, e.g. "Inappropriate ioctl for device".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
