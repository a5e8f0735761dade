using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>A rig's clock read and advanced over the protocol (CLOCK_GET, CLOCK_ADVANCE).</summary>
public sealed class ProtocolClock : IChipClock
{
    private readonly HostSession _session;

    public ProtocolClock(HostSession session, bool isVirtual)
    {
        _session = session;
        IsVirtual = isVirtual;
    }

    public double Seconds => ClockReading.Decode(_session.Request(Opcode.ClockGet, [])).Seconds;

    public bool IsVirtual { get; }

    public void Advance(double seconds) =>
        _session.Request(Opcode.ClockAdvance, new PayloadWriter(8).F64(seconds).ToArray());
}
