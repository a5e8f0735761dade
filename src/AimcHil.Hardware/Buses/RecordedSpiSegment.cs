namespace AimcHil.Hardware.Buses;

/// <summary>One segment a <see cref="RecordingSpiDevice"/> saw: what was clocked out, what it answered, and how chip
/// select and timing were asked to behave after it.</summary>
/// <param name="Written">Bytes clocked out, <see cref="SpiTransfer.Length"/> long (zeros where the driver sent none).</param>
/// <param name="Read">Bytes handed back; empty when the driver did not ask for them.</param>
/// <param name="DeselectAfter">Chip select released after this segment: true for a segment that asked for it and
/// always for the last segment of a message.</param>
/// <param name="DelayMicroseconds">Delay requested after the segment.</param>
public sealed record RecordedSpiSegment(byte[] Written, byte[] Read, bool DeselectAfter, ushort DelayMicroseconds);
