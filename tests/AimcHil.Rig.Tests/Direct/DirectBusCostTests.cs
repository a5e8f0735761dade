using AimcHil.Emulator;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>What an MVM sample costs on a direct rig's buses: the floor from the drivers' static minimums, and the
/// count DirectChip reaches on counted buses (what <c>aimc bench direct</c> reports).</summary>
public class DirectBusCostTests
{
    [Fact]
    public void TheFloorOfA64ColumnAd7606ReadOutIsItsDriversMinimumsPlusTheHandshake()
    {
        var minimum = DirectBusCost.Minimum(DirectBusCost.ReadOutCase("ad7606", 32, 64), 32, 64);

        // 4 AD5676 messages of 8 × 3 bytes; 8 AD7606 scans of one 16-byte message and a BUSY wait each, one CONVST
        // pulse (low, high) for all of them; START high, DONE wait, START low.
        Assert.Equal(new BusCost(4 + (8 * (1 + 1)) + 2 + 3, (4 * 24) + (8 * 16)), minimum);
    }

    [Fact]
    public void TheFloorOfA64ColumnMcp3008ReadOutIsOneMessagePerPart()
    {
        var minimum = DirectBusCost.Minimum(DirectBusCost.ReadOutCase("mcp3008", 32, 64), 32, 64);

        Assert.Equal(new BusCost(4 + 8 + 3, (4 * 24) + (8 * 8 * 3)), minimum);
    }

    [Theory]
    [InlineData("mcp3008", 15, 288)]
    [InlineData("ad7606", 25, 224)]
    public void DirectChipReachesTheByteFloorAndCountsItsKernelCalls(string adc, double calls, double bytes)
    {
        var config = DirectBusCost.ReadOutCase(adc, 32, 64);
        using var emulator = new EmulatedChip(new ChipPreset { Rows = 32, Cols = 64, Tiles = 1 }, 1);

        var cost = DirectBusCost.Measure(config, emulator, (c, _) => new ScriptedBench(c, new Tc1Geometry(32, 64, 1, 8)));

        Assert.Equal(new BusCost(calls, bytes), cost);
    }
}
