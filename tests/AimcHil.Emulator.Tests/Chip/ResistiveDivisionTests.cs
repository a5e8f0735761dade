using AimcHil.Core;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Resistive division: a floating node settles at Σ G V / Σ G.</summary>
public class ResistiveDivisionTests
{
    [Fact]
    public void DividerVoltageIsTheConductanceWeightedAverage()
    {
        // Hand-solved: 10 µS at 1 V, 30 µS at −1 V, 60 µS at 0.5 V → (10 − 30 + 30) / 100 = 0.1 V.
        Assert.Equal(0.1, ResistiveDivisionDomain.DividerVoltage([10e-6, 30e-6, 60e-6], [1, -1, 0.5]), 12);
        Assert.Equal(0.0, ResistiveDivisionDomain.DividerVoltage([0, 0], [1, 1]));
    }

    [Fact]
    public void UnbalancedColumnsOutputTheDividerOfEachDeviceOfThePair()
    {
        var preset = TestBench.Preset(ComputationDomain.ResistiveDivision, 16, 4).Ideal() with
        {
            ResistiveDivision = new ResistiveDivisionConfig { BalanceLoads = false },
            Adc = new AdcConfig { Bits = 16, RangeMac = 64 },
        };
        using var chip = new EmulatedChip(preset, 3);
        var w = TestBench.RandomWeights(16, 4, 9);
        var x = TestBench.RandomInputs(3, 16, chip.Info.InputCodeMax, 10);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        var states = chip.ReadBack(0);
        var physics = (ResistiveDivisionDomain)chip.Physics;

        var mac = chip.Mvm(0, x).ToMac();

        for (var s = 0; s < 3; s++)
        {
            var volts = Enumerable.Range(0, 16).Select(i => (double)x[s, i] / chip.Info.InputCodeMax).ToArray();
            for (var j = 0; j < 4; j++)
            {
                var plus = Enumerable.Range(0, 16).Select(i => (double)states.Arrays[0].States[i, j]).ToArray();
                var minus = Enumerable.Range(0, 16).Select(i => (double)states.Arrays[1].States[i, j]).ToArray();
                var expectedVolts = ResistiveDivisionDomain.DividerVoltage(plus, volts) - ResistiveDivisionDomain.DividerVoltage(minus, volts);
                var measuredVolts = mac[s, j] * physics.OutputPerUnit / preset.ResistiveDivision!.ReadVolts;
                Assert.Equal(expectedVolts, measuredVolts, 64.0 / 32768 * physics.OutputPerUnit / 0.2);
            }
        }
    }

    [Fact]
    public void BalancedLoadsMakeTheOutputLinearInTheWeights()
    {
        var preset = TestBench.Preset(ComputationDomain.ResistiveDivision, 16, 4).Ideal() with { Adc = new AdcConfig { Bits = 16, RangeMac = 16 } };
        using var chip = new EmulatedChip(preset, 3);
        var w = TestBench.RandomWeights(16, 4, 9);
        var x = TestBench.RandomInputs(5, 16, chip.Info.InputCodeMax, 10);

        var (error, _, _) = TestBench.Run(chip, w, x);

        Assert.True(error.MaxAbsLsb <= 0.5 + 1e-3);
    }
}
