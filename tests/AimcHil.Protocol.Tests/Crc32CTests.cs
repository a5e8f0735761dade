using System.Text;

namespace AimcHil.Protocol.Tests;

/// <summary>CRC-32C: the catalogued check value and agreement of the hardware and table paths.</summary>
public class Crc32CTests
{
    [Fact]
    public void CheckValueOf123456789IsE3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void EmptyInputGivesZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void ThirtyTwoZeroBytesGive8A9136AA()
    {
        // RFC 3720 (iSCSI) B.4 test vector.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void HardwareAndTablePathsAgreeAtEveryLength()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        for (var n = 0; n < data.Length; n += 13)
        {
            Assert.Equal(~Crc32C.AppendTable(0xFFFFFFFF, data.AsSpan(0, n)), Crc32C.Compute(data.AsSpan(0, n)));
        }
    }

    [Fact]
    public void AppendingInPiecesEqualsOneComputation()
    {
        var data = Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(0xE3069283u, ~Crc32C.Append(Crc32C.Append(0xFFFFFFFF, data.AsSpan(0, 4)), data.AsSpan(4)));
    }
}
