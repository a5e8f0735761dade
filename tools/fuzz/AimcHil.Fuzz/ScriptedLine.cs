namespace AimcHil.Fuzz;

/// <summary>A line whose far end sends fixed bytes and then hangs up, and keeps everything written to it: the session
/// target's stand-in for a serial port, with nothing that waits.</summary>
internal sealed class ScriptedLine(byte[] incoming) : Stream
{
    private readonly MemoryStream _outgoing = new();
    private int _at;

    /// <summary>Everything the near end wrote.</summary>
    public byte[] Written => _outgoing.ToArray();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, incoming.Length - _at);
        incoming.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => _outgoing.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _outgoing.Write(buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
