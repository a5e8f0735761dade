using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Presets and random data the chip-level specifications share.</summary>
internal static class TestBench
{
    /// <summary>One preset per computation domain, sized by the caller, with its natural device.</summary>
    public static ChipPreset Preset(ComputationDomain domain, int rows, int cols) => domain switch
    {
        ComputationDomain.Current => new ChipPreset { Domain = domain, Device = DeviceTechnology.Pcm, Rows = rows, Cols = cols, Adc = new() { Bits = 8, RangeMac = RangeFor(rows) } },
        ComputationDomain.Charge => new ChipPreset { Domain = domain, Device = DeviceTechnology.Rram, Rows = rows, Cols = cols, Adc = new() { Bits = 8, RangeMac = RangeFor(rows) } },
        ComputationDomain.ResistiveDivision => new ChipPreset { Domain = domain, Device = DeviceTechnology.Rram, Rows = rows, Cols = cols, Adc = new() { Bits = 8, RangeMac = RangeFor(rows) } },
        ComputationDomain.TimeDomain => new ChipPreset { Domain = domain, Device = DeviceTechnology.Sram, Rows = rows, Cols = cols, Adc = new() { Bits = 8, RangeMac = RangeFor(rows) } },
        ComputationDomain.CapacitiveDivision => new ChipPreset { Domain = domain, Device = DeviceTechnology.Sram, Rows = rows, Cols = cols, Adc = new() { Bits = 8, RangeMac = RangeFor(rows) } },
        // The widest ADC a column fills: 2^bits − 1 ≤ rows shares of V_DD/rows (a wider one is refused).
        ComputationDomain.ChargeRedistribution => new ChipPreset { Domain = domain, Device = DeviceTechnology.Sram, Rows = rows, Cols = cols, Adc = new() { Bits = System.Numerics.BitOperations.Log2((uint)rows + 1) } },
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    /// <summary>A range of about six standard deviations of a sum of rows uniform products.</summary>
    public static double RangeFor(int rows) => Math.Max(4, 6 * Math.Sqrt(rows / 9.0));

    public static Grid<float> RandomWeights(int rows, int cols, ulong seed)
    {
        var w = new Grid<float>(rows, cols);
        SeededRandom.For(seed, "test/weights").FillUniform(w.Data, -1f, 1f);
        return w;
    }

    public static Grid<float> ConstantWeights(int rows, int cols, float value)
    {
        var w = new Grid<float>(rows, cols);
        Array.Fill(w.Data, value);
        return w;
    }

    public static Grid<int> RandomInputs(int batch, int rows, int codeMax, ulong seed)
    {
        var rng = SeededRandom.For(seed, "test/inputs");
        var x = new Grid<int>(batch, rows);
        for (var k = 0; k < x.Data.Length; k++)
        {
            x.Data[k] = rng.NextInt((2 * codeMax) + 1) - codeMax;
        }

        return x;
    }

    public static Grid<int> ConstantInputs(int batch, int rows, int code)
    {
        var x = new Grid<int>(batch, rows);
        Array.Fill(x.Data, code);
        return x;
    }

    /// <summary>Programs, runs and returns the error against the exact W·x of the representable weights.</summary>
    public static (MvmError Error, MvmResult Result, ProgrammingReport Report) Run(EmulatedChip chip, Grid<float> w, Grid<int> x, WriteVerifyOptions? options = null)
    {
        var report = chip.Program(0, w, options ?? WriteVerifyOptions.SinglePulse);
        var result = chip.Mvm(0, x);
        var exact = MvmError.Exact(report.Representable!.TopLeft(w.Rows, w.Cols), x, chip.Info.InputCodeMax);
        return (MvmError.Measure(result, exact, chip.Info.MacFullScale), result, report);
    }

    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance));
    }

    public static PcmConfig PcmOnly(bool programming = false, bool drift = false, bool read = false) =>
        new PcmConfig().Ideal() with { ProgrammingNoise = programming, Drift = drift, ReadNoise = read };
}
