namespace AimcHil.Protocol;

/// <summary>What one request may ask of a rig (protocol 1.1, appended to the HELLO answer with capability LIMITS):
/// the bounds that keep any single host from holding a shared bench for long.</summary>
/// <param name="MaxPulsesPerCell">The largest write-verify pulse budget per device a PROGRAM may ask for; it bounds
/// how long a PROGRAM runs, because a chip operation has no abort.</param>
/// <param name="IdleTimeoutMs">A host that sends no complete frame for this long is dropped (0: never).</param>
/// <param name="MaxObjectBytes">The largest bulk object (weights, an MVM batch) the rig accepts.</param>
public sealed record RigLimits(uint MaxPulsesPerCell, uint IdleTimeoutMs, uint MaxObjectBytes)
{
    public const int EncodedSize = 12;

    public void Write(PayloadWriter writer) => writer.U32(MaxPulsesPerCell).U32(IdleTimeoutMs).U32(MaxObjectBytes);

    public static RigLimits Read(PayloadReader reader) => new(reader.U32(), reader.U32(), reader.U32());
}
