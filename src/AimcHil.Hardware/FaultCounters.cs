namespace AimcHil.Hardware;

/// <summary>What a <see cref="FaultyStream"/> saw and injected, so a test can tell a protocol's recovery from luck.</summary>
/// <param name="Bytes">Bytes that entered the injector.</param>
/// <param name="Frames">Non-empty frames (ended by 0x00) that entered the injector.</param>
public sealed record FaultCounters(
    long Bytes,
    long Frames,
    long BitFlips,
    long DroppedBytes,
    long DroppedFrames,
    long DuplicatedFrames,
    long SwappedFrames,
    long Delays)
{
    public static FaultCounters Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Every fault injected, of any kind.</summary>
    public long Injected => BitFlips + DroppedBytes + DroppedFrames + DuplicatedFrames + SwappedFrames + Delays;

    public static FaultCounters operator +(FaultCounters a, FaultCounters b) => new(
        a.Bytes + b.Bytes,
        a.Frames + b.Frames,
        a.BitFlips + b.BitFlips,
        a.DroppedBytes + b.DroppedBytes,
        a.DroppedFrames + b.DroppedFrames,
        a.DuplicatedFrames + b.DuplicatedFrames,
        a.SwappedFrames + b.SwappedFrames,
        a.Delays + b.Delays);
}
