namespace AimcHil.Protocol;

/// <summary>The response to an executed request, and for a bulk response the object and how far it was sent.</summary>
internal sealed record CachedResponse(ushort Sequence, Opcode Opcode, uint RequestCrc, Frame Response, byte[]? Bulk)
{
    public int SentTo { get; set; }
}
