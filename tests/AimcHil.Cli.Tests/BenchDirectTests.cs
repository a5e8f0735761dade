using AimcHil.Cli.Commands;
using AimcHil.Emulator;
using AimcHil.Rig;
using AimcHil.Rig.Tests.Direct;

namespace AimcHil.Cli.Tests;

/// <summary><c>aimc bench direct</c>: the 64-column read-outs measured on the buses it is given, next to their floors.</summary>
public class BenchDirectTests
{
    [Fact]
    public void EveryReadOutIsMeasuredNextToItsMinimum()
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml")).Chip!;

        var cases = BenchDirectCommand.Measure(preset, 1, (config, chip) => new ScriptedBench(config, new Rig.Direct.Tc1Geometry(chip.Info.Rows, chip.Info.Cols, chip.Info.Tiles, chip.Info.DacBits)));

        Assert.Equal(["ad7606_64", "mcp3008_64", "iot_mcp3008_64"], cases.Keys);
        Assert.Equal(new DirectBenchCase { KernelCallsPerMvm = 25, BusBytesPerMvm = 224, MinKernelCallsPerMvm = 25, MinBusBytesPerMvm = 224 }, cases["ad7606_64"]);
        Assert.Equal(new DirectBenchCase { KernelCallsPerMvm = 15, BusBytesPerMvm = 288, MinKernelCallsPerMvm = 15, MinBusBytesPerMvm = 288 }, cases["mcp3008_64"]);
        // The binding: the same bytes, but one SPI call per channel: 64 instead of 8 for the read-out.
        Assert.Equal(new DirectBenchCase { KernelCallsPerMvm = 71, BusBytesPerMvm = 288, MinKernelCallsPerMvm = 15, MinBusBytesPerMvm = 288 }, cases["iot_mcp3008_64"]);
    }
}
