namespace AimcHil.Protocol.Tests;

/// <summary>COBS: the canonical encoding of the edge cases, and decoding of what is not COBS.</summary>
public class CobsTests
{
    [Theory]
    [InlineData("", "01")]
    [InlineData("00", "0101")]
    [InlineData("0000", "010101")]
    [InlineData("1100", "021101")]
    [InlineData("110022", "02110222")]
    [InlineData("11223344", "0511223344")]
    [InlineData("11000000", "0211010101")]
    public void SmallCasesEncodeAsTheLiteratureSays(string data, string encoded)
    {
        Assert.Equal(encoded, Convert.ToHexString(Cobs.Encode(Convert.FromHexString(data))).ToLowerInvariant());
        Assert.Equal(data, Convert.ToHexString(Cobs.Decode(Convert.FromHexString(encoded))!).ToLowerInvariant());
    }

    [Fact]
    public void A254ByteRunTakesOneFullBlockAndAClosingCode()
    {
        var data = Enumerable.Range(1, 254).Select(i => (byte)i).ToArray();

        var encoded = Cobs.Encode(data);

        Assert.Equal(256, encoded.Length);
        Assert.Equal(0xFF, encoded[0]);
        Assert.Equal(0x01, encoded[^1]);
        Assert.Equal(data, Cobs.Decode(encoded));
        Assert.Equal(data, Cobs.Decode(encoded.AsSpan(..^1)));
    }

    [Fact]
    public void A255ByteRunSplitsAfter254()
    {
        var data = Enumerable.Range(0, 255).Select(i => (byte)((i % 255) + 1)).ToArray();

        var encoded = Cobs.Encode(data);

        Assert.Equal(new byte[] { 0xFF }, encoded[..1]);
        Assert.Equal(0x02, encoded[255]);
        Assert.Equal(257, encoded.Length);
        Assert.Equal(data, Cobs.Decode(encoded));
    }

    [Fact]
    public void A254RunFollowedByAZeroKeepsTheZero()
    {
        var data = Enumerable.Repeat((byte)7, 254).Append((byte)0).ToArray();

        Assert.Equal(data, Cobs.Decode(Cobs.Encode(data)));
    }

    [Fact]
    public void EncodedBytesNeverHoldAZeroAndStayWithinTheBound()
    {
        var random = new Random(5);
        for (var n = 0; n < 1200; n += 37)
        {
            var data = new byte[n];
            random.NextBytes(data);
            if (n % 2 == 0)
            {
                Array.Fill(data, (byte)0, 0, n / 3);
            }

            var encoded = Cobs.Encode(data);

            Assert.DoesNotContain((byte)0, encoded);
            Assert.True(encoded.Length <= Cobs.MaxEncodedLength(n));
            Assert.Equal(data, Cobs.Decode(encoded));
        }
    }

    [Theory]
    [InlineData("05112233")]
    [InlineData("0311")]
    [InlineData("021100")]
    public void TruncatedOrZeroBearingInputIsNotCobs(string encoded)
    {
        Assert.Null(Cobs.Decode(Convert.FromHexString(encoded)));
    }
}
