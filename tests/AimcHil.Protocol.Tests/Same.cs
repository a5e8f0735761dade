using AimcHil.Core;

namespace AimcHil.Protocol.Tests;

/// <summary>Bit-for-bit comparisons of contract results.</summary>
internal static class Same
{
    public static void Grid<T>(Grid<T> expected, Grid<T> actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Cols, actual.Cols);
        Assert.Equal(expected.Data, actual.Data);
    }

    /// <summary>The summary always; the per-weight grids too when <paramref name="actual"/> has them (a short report
    /// must have none of them, never some).</summary>
    public static void Report(ProgrammingReport expected, ProgrammingReport actual)
    {
        Assert.Equal(expected.Tile, actual.Tile);
        Assert.Equal(expected.TotalPulses, actual.TotalPulses);
        Assert.Equal(expected.Unconverged, actual.Unconverged);
        Assert.Equal(expected.PulseHistogram, actual.PulseHistogram);
        if (!actual.HasPerWeight)
        {
            Assert.True(actual is { Targets: null, Representable: null, Achieved: null, Pulses: null }, "a short report with some per-weight grids");
            return;
        }

        Grid(expected.Targets!, actual.Targets!);
        Grid(expected.Representable!, actual.Representable!);
        Grid(expected.Achieved!, actual.Achieved!);
        Grid(expected.Pulses!, actual.Pulses!);
    }

    public static void Mvm(MvmResult expected, MvmResult actual)
    {
        Grid(expected.Codes, actual.Codes);
        Assert.Equal(Bits(expected.MacPerCode), Bits(actual.MacPerCode));
        Assert.Equal(Bits(expected.MacOffset), Bits(actual.MacOffset));
        Assert.Equal(expected.SaturatedOutputs, actual.SaturatedOutputs);
    }

    public static void States(DeviceStates expected, DeviceStates actual)
    {
        Assert.Equal(expected.Tile, actual.Tile);
        Grid(expected.Weights, actual.Weights);
        Assert.Equal(expected.Arrays.Count, actual.Arrays.Count);
        for (var a = 0; a < expected.Arrays.Count; a++)
        {
            Assert.Equal(expected.Arrays[a].Name, actual.Arrays[a].Name);
            Assert.Equal(expected.Arrays[a].Unit, actual.Arrays[a].Unit);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Arrays[a].FullScale), BitConverter.DoubleToInt64Bits(actual.Arrays[a].FullScale));
            Grid(expected.Arrays[a].States, actual.Arrays[a].States);
        }
    }

    private static long[] Bits(double[] values) => Array.ConvertAll(values, BitConverter.DoubleToInt64Bits);
}

