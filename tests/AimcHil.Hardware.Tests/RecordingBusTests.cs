using System.Device.I2c;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests;

/// <summary>The recording SPI and I2C devices other drivers are tested against: what they record and how they answer.</summary>
public class RecordingBusTests
{
    [Fact]
    public void SpiRecordsSegmentsFramesAndCounters()
    {
        using var spi = new RecordingSpiDevice();
        spi.EnqueueResponse(0x00, 0x02, 0x9C);
        var rx = new byte[3];
        spi.TransferFullDuplex([0x01, 0x80, 0x00], rx); // an MCP3008 channel 0 read
        Assert.Equal([0x00, 0x02, 0x9C], rx);

        var status = new byte[1];
        spi.Transfer([new SpiTransfer(new byte[] { 0x05 }, Memory<byte>.Empty, DeselectAfter: true, DelayMicroseconds: 3), new SpiTransfer(new byte[] { 0xAA }, status)]);

        Assert.Equal(2, spi.Messages);
        Assert.Equal(5, spi.BytesClocked);
        Assert.Equal(2, spi.Recorded.Count);
        Assert.Equal(new RecordedSpiSegment([0x05], [], true, 3), spi.Recorded[1][0], RecordedSegmentComparer.Instance);
        Assert.Equal([[0x01, 0x80, 0x00], [0x05], [0xAA]], spi.Frames);
        Assert.Equal([0x01, 0x80, 0x00, 0x05, 0xAA], spi.AllWritten);
        Assert.Equal([0], status); // no canned response left and no responder: zeros
    }

    [Fact]
    public void SpiResponderSeesEveryFrameAndCanAnswerInTheNext()
    {
        // An ADS8688-like device: a command's result comes back in the following frame.
        byte last = 0;
        using var spi = new RecordingSpiDevice { Responder = written => { var answer = new byte[written.Length]; answer[0] = last; last = written[0]; return answer; } };
        spi.Write([0xC0, 0x00]);
        var rx = new byte[2];
        spi.TransferFullDuplex([0xC4, 0x00], rx);
        Assert.Equal([0xC0, 0x00], rx);
    }

    [Fact]
    public void SpiAWrongLengthCannedResponseIsATestBug()
    {
        using var spi = new RecordingSpiDevice();
        spi.EnqueueResponse(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => spi.Read(new byte[3]));
        Assert.Equal("/dev/spidev0.0: the test answered 2 bytes to a segment of 3", e.Message);
    }

    [Fact]
    public void I2cRecordsWritesAndAnswersReadsInOneTransaction()
    {
        using var i2c = new RecordingI2cDevice();
        i2c.EnqueueResponse(0x85, 0x83);
        var config = new byte[2];
        i2c.WriteRead([0x01], config); // read the ADS1115 config register
        i2c.Write([0x01, 0xC3, 0x83]);

        Assert.Equal([0x85, 0x83], config);
        Assert.Equal(2, i2c.Transactions);
        Assert.Equal(6, i2c.BytesMoved);
        Assert.Equal([0x01], i2c.Recorded[0].Written);
        Assert.Equal([0x85, 0x83], i2c.Recorded[0].Read);
        Assert.Empty(i2c.Recorded[1].Read);
        Assert.Equal([0x01, 0x01, 0xC3, 0x83], i2c.AllWritten);
    }

    [Fact]
    public void I2cResponderKeepsRegisterState()
    {
        var registers = new Dictionary<byte, byte[]> { [0x00] = [0x12, 0x34] };
        using var i2c = new RecordingI2cDevice { Responder = (written, length) => registers[written[0]][..length] };
        var rx = new byte[2];
        i2c.WriteRead([0x00], rx);
        Assert.Equal([0x12, 0x34], rx);
    }

    [Fact]
    public void I2cSimulatesANackWithTheRealMessage()
    {
        using var i2c = new RecordingI2cDevice(new I2cConnectionSettings(1, 0x48));
        i2c.NackNext();
        var e = Assert.Throws<AimcException>(() => i2c.Write([0x01]));
        Assert.Equal("no device answered at address 0x48 on /dev/i2c-1: check wiring and address (i2cdetect -y 1)", e.Message);
        i2c.Write([0x01]); // the glitch is over

        i2c.Answers = false;
        Assert.Throws<AimcException>(() => i2c.Read(new byte[2]));
        Assert.Equal(2, i2c.Nacks);
        Assert.Equal(1, i2c.Transactions);
        Assert.Single(i2c.Recorded);
    }

    private sealed class RecordedSegmentComparer : IEqualityComparer<RecordedSpiSegment>
    {
        public static readonly RecordedSegmentComparer Instance = new();

        public bool Equals(RecordedSpiSegment? x, RecordedSpiSegment? y) =>
            x is not null && y is not null && x.Written.SequenceEqual(y.Written) && x.Read.SequenceEqual(y.Read)
            && x.DeselectAfter == y.DeselectAfter && x.DelayMicroseconds == y.DelayMicroseconds;

        public int GetHashCode(RecordedSpiSegment obj) => obj.Written.Length;
    }
}
