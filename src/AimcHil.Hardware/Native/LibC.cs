using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary>The libc calls the Linux transports need, declared once; every call sets errno for
/// <see cref="Marshal.GetLastPInvokeError"/>.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int ReadWrite = 0x2;            // O_RDWR
    public const int NoControllingTty = 0x100;   // O_NOCTTY (0400 octal)
    public const int NonBlocking = 0x800;        // O_NONBLOCK (04000 octal)
    public const int CloseOnExec = 0x80000;      // O_CLOEXEC (02000000 octal); also EFD_CLOEXEC
    public const int EventNonBlocking = 0x800;   // EFD_NONBLOCK

    public const int GetStatusFlags = 3;         // F_GETFL
    public const int SetStatusFlags = 4;         // F_SETFL

    public const int LockExclusive = 2;          // LOCK_EX
    public const int LockNonBlocking = 4;        // LOCK_NB
    public const int Unlock = 8;                 // LOCK_UN

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    // fcntl is variadic too; F_GETFL/F_SETFL take an int, passed in a register like a fixed argument.
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    // ioctl is variadic in C; on x86_64 and arm64 Linux a variadic call with one pointer or no extra argument
    // passes it exactly like a fixed one, so a fixed three-argument declaration is safe there.
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, Termios* termios);

    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, Termios* termios);

    [LibraryImport(Library, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(Termios* termios);

    [LibraryImport(Library, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int CfSetInputSpeed(Termios* termios, uint speed);

    [LibraryImport(Library, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int CfSetOutputSpeed(Termios* termios, uint speed);

    [LibraryImport(Library, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(Library, EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    [LibraryImport(Library, EntryPoint = "ptsname_r", SetLastError = true)]
    public static partial int PtsNameR(int fd, byte* buffer, nuint length);

    /// <summary>errno of the last call declared here, read on the calling thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();
}
