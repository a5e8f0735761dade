namespace AimcHil.Protocol;

/// <summary>Turns a byte stream into frames: splits at 0x00, drops what fails COBS, CRC or the header checks (and
/// counts it), so after garbage or a lost byte it is back in step at the next delimiter.</summary>
public sealed class FrameDecoder
{
    private readonly int _maxPayload;
    private readonly int _maxEncoded;
    private byte[] _buffer;
    private int _length;
    private bool _overflow;

    public FrameDecoder(int maxPayload = FrameCodec.DefaultMaxPayload)
    {
        _maxPayload = maxPayload;
        _maxEncoded = Cobs.MaxEncodedLength(FrameCodec.HeaderLength + maxPayload + FrameCodec.CrcLength);
        _buffer = new byte[Math.Min(_maxEncoded, 8192)];
    }

    /// <summary>Byte runs between delimiters that were not good frames (bad COBS, CRC, header, or too long).</summary>
    public long DroppedFrames { get; private set; }

    public long DecodedFrames { get; private set; }

    /// <summary>The reason the last dropped run was dropped (for logs and tests).</summary>
    public FrameRejection LastRejection { get; private set; }

    /// <summary>Feeds received bytes; returns the frames they complete, in order.</summary>
    public List<Frame> Push(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<Frame>();
        foreach (var b in bytes)
        {
            if (b != 0)
            {
                Append(b);
                continue;
            }

            if (_overflow)
            {
                Drop(FrameRejection.TooLarge);
            }
            else if (_length > 0)
            {
                var result = FrameCodec.Decode(_buffer.AsSpan(0, _length), _maxPayload);
                if (result.Frame is { } frame)
                {
                    DecodedFrames++;
                    frames.Add(frame);
                }
                else
                {
                    Drop(result.Rejection);
                }
            }

            // An empty run (0x00 0x00) is a sender flushing a delimiter, not an error.
            _length = 0;
            _overflow = false;
        }

        return frames;
    }

    private void Append(byte b)
    {
        if (_overflow)
        {
            return;
        }

        if (_length == _maxEncoded)
        {
            // Longer than any legal frame: garbage or a lost delimiter; skip to the next 0x00.
            _overflow = true;
            return;
        }

        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_maxEncoded, _buffer.Length * 2));
        }

        _buffer[_length++] = b;
    }

    private void Drop(FrameRejection why)
    {
        DroppedFrames++;
        LastRejection = why;
    }
}
