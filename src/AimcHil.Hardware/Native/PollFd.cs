using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Native;

/// <summary><c>struct pollfd</c> (poll.h): one descriptor and the events poll() waits for and reports.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct PollFd
{
    public const int Size = 8;

    public const short In = 0x001;
    public const short Out = 0x004;
    public const short Error = 0x008;
    public const short HangUp = 0x010;
    public const short Invalid = 0x020;

    [FieldOffset(0)] public int Descriptor;
    [FieldOffset(4)] public short Events;
    [FieldOffset(6)] public short ReturnedEvents;
}
