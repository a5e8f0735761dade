namespace AimcHil.Hardware.Native;

/// <summary>termios flags and tty ioctl numbers from asm-generic/termbits.h, termbits-common.h, ioctls.h and
/// termios.h; x86_64 and arm64 both use the asm-generic values (other architectures, e.g. powerpc, do not).</summary>
internal static class Tty
{
    // c_cflag
    public const uint CBaud = 0x0000100f;
    public const uint CIBaud = 0x100f0000;
    public const int IBShift = 16;
    public const uint CSize = 0x30;
    public const uint CS8 = 0x30;
    public const uint CStopB = 0x40;
    public const uint CRead = 0x80;
    public const uint ParEnb = 0x100;
    public const uint HupCl = 0x400;
    public const uint CLocal = 0x800;
    public const uint BOther = 0x1000;
    public const uint CrtsCts = 0x80000000;

    // c_iflag
    public const uint IXon = 0x0400;
    public const uint IXoff = 0x1000;
    public const uint IXany = 0x800;

    // c_lflag
    public const uint ICanon = 0x2;
    public const uint Echo = 0x8;
    public const uint ISig = 0x1;

    // c_oflag
    public const uint OPost = 0x1;

    // c_cc indices
    public const int VTime = 5;
    public const int VMin = 6;

    // tcsetattr / tcflush
    public const int TcsaNow = 0;
    public const int TciFlush = 0;
    public const int TcoFlush = 1;

    // ioctl requests
    public const uint TcGetS2 = 0x802c542a; // _IOR('T', 0x2A, struct termios2): encodes sizeof(termios2) = 44
    public const uint TcSetS2 = 0x402c542b; // _IOW('T', 0x2B, struct termios2)
    public const uint TiocExcl = 0x540C;
    public const uint TiocNxcl = 0x540D;
    public const uint TiocMBis = 0x5416;
    public const uint TiocMBic = 0x5417;
    public const uint FionRead = 0x541B;

    // modem lines (TIOCM_*)
    public const int ModemDtr = 0x002;
    public const int ModemRts = 0x004;
}
