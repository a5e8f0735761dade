namespace AimcHil.Hardware;

/// <summary>A byte link that sits on another and changes how bytes cross it (damage, pace), passing timeouts and
/// flushes through; like the links it wraps, it has no length and cannot seek.</summary>
public abstract class LinkFilter : Stream
{
    private readonly bool _leaveOpen;

    protected LinkFilter(Stream inner, bool leaveOpen)
    {
        Inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The link this one sits on.</summary>
    protected Stream Inner { get; }

    public override bool CanRead => Inner.CanRead;

    public override bool CanWrite => Inner.CanWrite;

    public override bool CanSeek => false;

    public override bool CanTimeout => Inner.CanTimeout;

    public override int ReadTimeout
    {
        get => Inner.ReadTimeout;
        set => Inner.ReadTimeout = value;
    }

    public override int WriteTimeout
    {
        get => Inner.WriteTimeout;
        set => Inner.WriteTimeout = value;
    }

    public override long Length => throw new NotSupportedException("a byte link has no length");

    public override long Position
    {
        get => throw new NotSupportedException("a byte link has no position");
        set => throw new NotSupportedException("a byte link has no position");
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a byte link cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("a byte link has no length");

    public override void Flush() => Inner.Flush();

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public abstract override int Read(Span<byte> buffer);

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
