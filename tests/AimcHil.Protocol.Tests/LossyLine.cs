using AimcHil.Hardware;

namespace AimcHil.Protocol.Tests;

/// <summary>One end of an in-memory link whose writes a test can drop or alter one at a time (each write is one
/// frame), to lose exactly the frame a test is about.</summary>
internal sealed class LossyLine(Stream inner) : LinkFilter(inner, leaveOpen: false)
{
    /// <summary>Returns the bytes to put on the line instead (empty to lose them).</summary>
    public Func<byte[], byte[]>? WriteFilter { get; set; }

    public override int Read(Span<byte> buffer) => Inner.Read(buffer);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var bytes = WriteFilter is { } filter ? filter(buffer.ToArray()) : buffer.ToArray();
        if (bytes.Length > 0)
        {
            Inner.Write(bytes);
        }
    }
}
