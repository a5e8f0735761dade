namespace AimcHil.Protocol;

/// <summary>One protocol frame as the header describes it, before COBS and CRC: the unit both sides exchange.</summary>
/// <param name="Version">Protocol major version; receivers drop frames of another major.</param>
/// <param name="Sequence">The request this frame belongs to; responses, ACKs and DATA carry the request's number.</param>
public sealed record Frame(byte Version, FrameKind Kind, ushort Sequence, Opcode Opcode, FrameFlags Flags, byte[] Payload)
{
    /// <summary>A frame of the current protocol major.</summary>
    public Frame(FrameKind kind, ushort sequence, Opcode opcode, FrameFlags flags, byte[] payload)
        : this(ProtocolVersion.Major, kind, sequence, opcode, flags, payload)
    {
    }

    /// <summary>Payloads compare by content, so frames decoded from the wire equal the frames that were sent.</summary>
    public bool Equals(Frame? other) =>
        other is not null && Version == other.Version && Kind == other.Kind && Sequence == other.Sequence &&
        Opcode == other.Opcode && Flags == other.Flags && Payload.AsSpan().SequenceEqual(other.Payload);

    public override int GetHashCode() => HashCode.Combine(Version, Kind, Sequence, Opcode, Flags, Payload.Length);

    public override string ToString() =>
        $"{Kind} v{Version} seq={Sequence} {OpcodeNames.Of(Opcode)} flags={Flags} payload={Payload.Length} B";
}
