namespace AimcHil.Protocol;

/// <summary>The device's answers to its latest executed requests (one, or the pipeline depth of a 1.3 session), so a
/// retried request is answered byte for byte without executing again, and a bulk answer can be downloaded while later
/// requests already arrive.</summary>
internal sealed class ResponseCache
{
    private readonly List<CachedResponse> _entries = [];
    private int _capacity = 1;

    /// <summary>Forgets every answer (HELLO: the host's sequence numbers restart) and holds up to
    /// <paramref name="capacity"/> from now on.</summary>
    public void Reset(int capacity)
    {
        _entries.Clear();
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>The answer to this very request (sequence, opcode and the CRC of its payload or object), if cached.</summary>
    public CachedResponse? Find(Frame request, uint requestCrc) =>
        _entries.Find(e => e.Sequence == request.Sequence && e.Opcode == request.Opcode && e.RequestCrc == requestCrc);

    /// <summary>The bulk answer a transfer frame (ACK) of the host belongs to.</summary>
    public CachedResponse? FindDownload(Frame frame) =>
        _entries.Find(e => e.Bulk is not null && e.Sequence == frame.Sequence && e.Opcode == frame.Opcode);

    /// <summary>Keeps an answer; a cached answer of the same sequence number is replaced (the host reused it for
    /// another request), and past the capacity the oldest goes.</summary>
    public void Add(CachedResponse response)
    {
        _entries.RemoveAll(e => e.Sequence == response.Sequence);
        _entries.Add(response);
        if (_entries.Count > _capacity)
        {
            _entries.RemoveAt(0);
        }
    }
}
