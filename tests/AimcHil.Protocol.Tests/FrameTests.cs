using FsCheck.Xunit;

namespace AimcHil.Protocol.Tests;

/// <summary>Frames survive encoding, and a stream of frames with garbage in between never yields a wrong frame.</summary>
public class FrameTests
{
    private static readonly FrameKind[] Kinds = Enum.GetValues<FrameKind>();

    [Property(MaxTest = 300)]
    public bool RandomFramesRoundTrip(byte kind, ushort sequence, ushort opcode, ushort flags, byte[] payload)
    {
        var frame = new Frame(Kinds[kind % Kinds.Length], sequence, (Opcode)opcode, (FrameFlags)flags, payload ?? []);

        var wire = FrameCodec.Encode(frame);
        var decoded = new FrameDecoder(int.MaxValue / 4).Push(wire);

        return wire[^1] == 0 && Array.IndexOf(wire, (byte)0) == wire.Length - 1 && decoded.Count == 1 && decoded[0].Equals(frame);
    }

    [Property(MaxTest = 200)]
    public bool GarbageBetweenFramesNeverYieldsAWrongFrame(byte[][] garbage, int seed)
    {
        var random = new Random(seed);
        var sent = new List<Frame>();
        var wire = new List<byte>();
        foreach (var junk in garbage ?? [])
        {
            wire.AddRange(junk ?? []);
            var payload = new byte[random.Next(0, 300)];
            random.NextBytes(payload);
            var frame = new Frame(FrameKind.Data, (ushort)random.Next(65536), Opcode.Program, FrameFlags.None, payload);
            sent.Add(frame);
            wire.AddRange(FrameCodec.Encode(frame));
        }

        var decoder = new FrameDecoder();
        var received = new List<Frame>();
        foreach (var piece in wire.Chunk(random.Next(1, 64)))
        {
            received.AddRange(decoder.Push(piece));
        }

        // Every frame received was sent, in order (garbage may cost the frame it runs into, never invent one).
        var at = 0;
        foreach (var frame in received)
        {
            while (at < sent.Count && !sent[at].Equals(frame))
            {
                at++;
            }

            if (at++ == sent.Count)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void ADelimiterAfterGarbageSavesTheNextFrame()
    {
        var frame = new Frame(FrameKind.Request, 7, Opcode.ClockGet, FrameFlags.None, []);
        var decoder = new FrameDecoder();

        var frames = decoder.Push([0x13, 0x37, 0xAB, 0x00, .. FrameCodec.Encode(frame)]);

        Assert.Equal([frame], frames);
        Assert.Equal(1, decoder.DroppedFrames);
    }

    [Fact]
    public void AFlippedBitIsDroppedAndCountedAndTheNextFrameDecodes()
    {
        var first = FrameCodec.Encode(new Frame(FrameKind.Request, 1, Opcode.ClockGet, FrameFlags.None, [1, 2, 3]));
        var second = new Frame(FrameKind.Request, 2, Opcode.ClockGet, FrameFlags.None, [4, 5, 6]);
        first[5] ^= 0x10;
        var decoder = new FrameDecoder();

        var frames = decoder.Push([.. first, .. FrameCodec.Encode(second)]);

        Assert.Equal([second], frames);
        Assert.Equal(1, decoder.DroppedFrames);
        Assert.Equal(FrameRejection.Crc, decoder.LastRejection);
    }

    [Fact]
    public void ARunLongerThanAnyFrameIsSkippedToTheNextDelimiter()
    {
        var decoder = new FrameDecoder(maxPayload: 64);
        var frame = new Frame(FrameKind.Response, 9, Opcode.Mvm, FrameFlags.None, [9]);

        var frames = decoder.Push([.. Enumerable.Repeat((byte)0x55, 5000), 0x00, .. FrameCodec.Encode(frame)]);

        Assert.Equal([frame], frames);
        Assert.Equal(FrameRejection.TooLarge, decoder.LastRejection);
    }

    [Fact]
    public void EmptyRunsBetweenDelimitersAreNotErrors()
    {
        var decoder = new FrameDecoder();

        Assert.Empty(decoder.Push([0, 0, 0]));
        Assert.Equal(0, decoder.DroppedFrames);
    }

    [Fact]
    public void AFrameOfAnotherMajorVersionIsDropped()
    {
        var frame = new Frame(2, FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, []);
        var decoder = new FrameDecoder();

        Assert.Empty(decoder.Push(FrameCodec.Encode(frame)));
        Assert.Equal(FrameRejection.Version, decoder.LastRejection);
    }
}
