namespace AimcHil.Hardware.Buses;

/// <summary>One transaction a <see cref="RecordingI2cDevice"/> saw: the bytes written and the bytes it answered.</summary>
/// <param name="Written">Bytes the driver wrote (empty for a plain read).</param>
/// <param name="Read">Bytes handed back after the repeated start (empty for a plain write).</param>
public sealed record RecordedI2cTransaction(byte[] Written, byte[] Read);
