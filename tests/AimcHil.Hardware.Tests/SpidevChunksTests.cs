using System.Device.Spi;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests;

/// <summary>How a message is split under spidev's bounce buffer: whole segments where they fit, aligned sizes
/// counted, long segments cut, at most 511 segments per kernel message.</summary>
public class SpidevChunksTests
{
    private static SpiTransfer Segment(int length, bool deselect = false, ushort delay = 0) =>
        new(new byte[length], new byte[length], deselect, delay);

    private static int[][] Lengths(List<SpiTransfer[]> messages) => [.. messages.Select(m => m.Select(s => s.Length).ToArray())];

    [Fact]
    public void AMessageThatFitsIsOneKernelMessage()
    {
        var segments = new[] { Segment(3), Segment(2048), Segment(3) };
        var messages = SpidevChunks.Split(segments, 4096);
        Assert.Equal([[3, 2048, 3]], Lengths(messages));
        Assert.Equal(segments, messages[0]);
    }

    [Fact]
    public void EverySegmentCostsItsLengthRoundedUpToTheAlignment()
    {
        // 32 three-byte segments take 32 × 128 = 4096 bytes of the buffer: the 33rd starts a new kernel message.
        var segments = Enumerable.Range(0, 33).Select(_ => Segment(3)).ToArray();
        var messages = SpidevChunks.Split(segments, 4096);
        Assert.Equal([32, 1], messages.Select(m => m.Length));
    }

    [Fact]
    public void ASegmentThatDoesNotFitBehindOthersStartsANewMessage()
    {
        var messages = SpidevChunks.Split([Segment(3), Segment(4000), Segment(100)], 4096);
        Assert.Equal([[3], [4000], [100]], Lengths(messages));
    }

    [Fact]
    public void ASegmentLongerThanTheBufferIsCutIntoBufferSizedPieces()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var read = new byte[10_000];
        var messages = SpidevChunks.Split([Segment(3), new SpiTransfer(data, read, DeselectAfter: true, DelayMicroseconds: 7), Segment(5)], 4096);

        Assert.Equal([[3], [4096], [4096], [1808, 5]], Lengths(messages));
        // Pieces are views of the caller's buffers, in order, so received bytes land where the caller wants them.
        Assert.Equal(data.AsSpan(4096, 4096).ToArray(), messages[2][0].Write.ToArray());
        messages[3][0].Read.Span[0] = 0xAB;
        Assert.Equal(0xAB, read[8192]);
        // Only the last piece keeps the segment's delay and chip-select release.
        Assert.False(messages[1][0].DeselectAfter);
        Assert.Equal(0, messages[1][0].DelayMicroseconds);
        Assert.True(messages[3][0].DeselectAfter);
        Assert.Equal(7, messages[3][0].DelayMicroseconds);
    }

    [Fact]
    public void WriteOnlyAndReadOnlySegmentsAreCutToo()
    {
        var messages = SpidevChunks.Split([new SpiTransfer(new byte[5000], Memory<byte>.Empty), new SpiTransfer(ReadOnlyMemory<byte>.Empty, new byte[5000])], 4096);
        Assert.Equal([[4096], [904], [4096], [904]], Lengths(messages));
        Assert.True(messages[0][0].Read.IsEmpty);
        Assert.True(messages[2][0].Write.IsEmpty);
    }

    [Fact]
    public void ABufferThatIsNotAMultipleOfTheAlignmentCutsAtTheLastWholeAlignment()
    {
        var messages = SpidevChunks.Split([Segment(1000)], 300);
        Assert.Equal([[256], [256], [256], [232]], Lengths(messages));
    }

    [Fact]
    public void AKernelMessageCarriesAtMost511Segments()
    {
        var segments = Enumerable.Range(0, 1200).Select(_ => Segment(0)).ToArray();
        var messages = SpidevChunks.Split(segments, 4096);
        Assert.Equal([511, 511, 178], messages.Select(m => m.Length));
    }

    [Fact]
    public void AnEmptyMessageIsNoKernelMessage() => Assert.Empty(SpidevChunks.Split([], 4096));

    [Fact]
    public void ABufferSmallerThanOneAlignedSegmentIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpidevChunks.Split([Segment(1)], 64));
}

/// <summary>A bus that splits messages counts each kernel call in <see cref="SpiMessageDevice.Messages"/>.</summary>
public class SpiKernelCallCountTests
{
    [Fact]
    public void AChunkedMessageCountsOneMessagePerKernelCall()
    {
        using var spi = new ChunkingSpi();
        spi.Write(new byte[10_000]);
        Assert.Equal(3, spi.Messages); // 4096 + 4096 + 1808
        Assert.Equal(10_000, spi.BytesClocked);
        spi.Transfer([]);
        Assert.Equal(3, spi.Messages);
    }

    private sealed class ChunkingSpi : SpiMessageDevice
    {
        public override SpiConnectionSettings ConnectionSettings { get; } = new(0, 0);

        protected override void TransferCore(IReadOnlyList<SpiTransfer> segments) =>
            CountAdditionalMessages(SpidevChunks.Split(segments, 4096).Count - 1);
    }
}
