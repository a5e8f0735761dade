using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary>glibc's <c>struct termios</c> on Linux x86_64/arm64 (bits/termios-struct.h): what tcgetattr/tcsetattr
/// and cfmakeraw take. It differs from the kernel's struct (NCCS 32, not 19, plus speed fields), so it is only
/// ever passed to glibc, never to an ioctl.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct Termios
{
    public const int Size = 60;
    public const int ControlCharacterCount = 32;

    [FieldOffset(0)] public uint InputFlags;
    [FieldOffset(4)] public uint OutputFlags;
    [FieldOffset(8)] public uint ControlFlags;
    [FieldOffset(12)] public uint LocalFlags;
    [FieldOffset(16)] public byte LineDiscipline;
    [FieldOffset(17)] public fixed byte ControlCharacters[ControlCharacterCount];
    [FieldOffset(52)] public uint InputSpeed;
    [FieldOffset(56)] public uint OutputSpeed;
}
