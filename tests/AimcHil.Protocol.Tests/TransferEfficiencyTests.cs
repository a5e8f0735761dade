namespace AimcHil.Protocol.Tests;

/// <summary>The wire cost of a bulk transfer, as PROTOCOL.md section 8 computes it.</summary>
public class TransferEfficiencyTests
{
    [Theory]
    [InlineData(256 * 256 * 2, 132362)]
    [InlineData(256 * 256 * 4, 264651)]
    public void A256By256MatrixCostsUnder2PercentOnTheWireWhateverItsBytes(int objectBytes, int worstWireBytes)
    {
        var chunk = FrameCodec.DefaultMaxPayload - DataChunk.OffsetSize;
        var noZeros = new byte[objectBytes];
        Array.Fill(noZeros, (byte)0x5A);
        var random = new byte[objectBytes];
        new Random(1).NextBytes(random);

        foreach (var (data, exact) in new[] { (noZeros, true), (random, false) })
        {
            var descriptor = BulkDescriptor.Of(data).Encode();
            long wire = FrameCodec.Encode(new Frame(FrameKind.Request, 1, Opcode.Program, FrameFlags.Begin, descriptor)).Length
                + FrameCodec.Encode(new Frame(FrameKind.Request, 1, Opcode.Program, FrameFlags.Commit, descriptor)).Length;
            for (var offset = 0; offset < data.Length; offset += chunk)
            {
                var bytes = data.AsSpan(offset, Math.Min(chunk, data.Length - offset));
                wire += FrameCodec.Encode(new Frame(FrameKind.Data, 1, Opcode.Program, FrameFlags.None, DataChunk.Encode((uint)offset, bytes))).Length;
            }

            if (exact)
            {
                Assert.Equal(worstWireBytes, wire);
            }

            Assert.True(wire <= worstWireBytes);
            Assert.True((double)objectBytes / wire >= 0.98, $"{objectBytes} / {wire} = {(double)objectBytes / wire:F4}");
        }
    }
}
