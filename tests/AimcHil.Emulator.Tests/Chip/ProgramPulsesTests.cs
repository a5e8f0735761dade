using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Programming for the pulse count alone (hil reprogramming) does to a chip exactly what a programming with
/// its full report does: the same pulses, the same draws, the same chip after it.</summary>
public class ProgramPulsesTests
{
    private static ChipPreset Noisy(int rows, int cols) => TestBench.Preset(ComputationDomain.Current, rows, cols) with
    {
        Tiles = 2,
        Pcm = new PcmConfig { Drift = true, StuckOffFraction = 0.02 },
        ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
    };

    [Fact]
    public void PulsesAloneLeaveTheChipAsTheFullReportDoes()
    {
        using var reported = new EmulatedChip(Noisy(32, 24), 7);
        using var counted = new EmulatedChip(Noisy(32, 24), 7);
        var inputs = TestBench.RandomInputs(9, 32, reported.Info.InputCodeMax, 3);
        var writeVerify = new WriteVerifyOptions(true, 0.02, 5);
        var steps = new (int Tile, Grid<float> Targets, WriteVerifyOptions Options, Grid<bool>? Only)[]
        {
            (0, TestBench.RandomWeights(32, 24, 1), WriteVerifyOptions.SinglePulse, null),
            (1, TestBench.RandomWeights(20, 24, 2), writeVerify, null),
            (0, TestBench.RandomWeights(32, 24, 3), WriteVerifyOptions.SinglePulse, Selection(32, 24, 4)),
            (0, TestBench.RandomWeights(32, 24, 5), writeVerify, Selection(32, 24, 6)),
            (1, TestBench.RandomWeights(32, 10, 7), WriteVerifyOptions.SinglePulse, Selection(32, 10, 8)),
        };

        foreach (var (tile, targets, options, only) in steps)
        {
            var report = reported.Program(tile, targets, options, only);
            Assert.Equal(report.TotalPulses, counted.ProgramPulses(tile, targets, options, only));
            reported.Clock.Advance(30);
            counted.Clock.Advance(30);
            for (var t = 0; t < 2; t++)
            {
                Assert.Equal(reported.Mvm(t, inputs).Codes.Data, counted.Mvm(t, inputs).Codes.Data);
            }
        }
    }

    [Fact]
    public void ASmallerGridAfterAFullOneZeroesTheRestOfTheTile()
    {
        using var chip = new EmulatedChip(TestBench.Preset(ComputationDomain.Current, 16, 16).Ideal(), 1);
        chip.Program(0, TestBench.ConstantWeights(16, 16, 0.75f), WriteVerifyOptions.SinglePulse);
        chip.Program(0, TestBench.ConstantWeights(5, 16, 0.5f), WriteVerifyOptions.SinglePulse);
        var report = chip.Program(0, TestBench.ConstantWeights(3, 7, 0.25f), WriteVerifyOptions.SinglePulse);

        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(i < 3 && j < 7 ? 0.25f : 0f, report.Targets![i, j]);
            }
        }
    }

    private static Grid<bool> Selection(int rows, int cols, ulong seed)
    {
        var rng = AimcHil.Numerics.SeededRandom.For(seed, "test/selection");
        var only = new Grid<bool>(rows, cols);
        for (var k = 0; k < only.Data.Length; k++)
        {
            only.Data[k] = rng.NextDouble() < 0.3;
        }

        return only;
    }
}
