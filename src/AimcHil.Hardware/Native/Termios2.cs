using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary>The kernel's <c>struct termios2</c> (asm-generic/termbits.h, NCCS 19): what the TCGETS2/TCSETS2 ioctls
/// take; the only way to ask for a baud rate outside the Bxxx table (BOTHER with explicit speeds).</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct Termios2
{
    public const int Size = 44;
    public const int ControlCharacterCount = 19;

    [FieldOffset(0)] public uint InputFlags;
    [FieldOffset(4)] public uint OutputFlags;
    [FieldOffset(8)] public uint ControlFlags;
    [FieldOffset(12)] public uint LocalFlags;
    [FieldOffset(16)] public byte LineDiscipline;
    [FieldOffset(17)] public fixed byte ControlCharacters[ControlCharacterCount];
    [FieldOffset(36)] public uint InputSpeed;
    [FieldOffset(40)] public uint OutputSpeed;
}
