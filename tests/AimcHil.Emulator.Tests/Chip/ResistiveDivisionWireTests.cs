using AimcHil.Core;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Resistive division refuses wire resistance rather than ignoring it: its floating bit lines make the wires a
/// different network from the virtual-ground crossbar's IR-drop network, which is the only one the emulator solves.</summary>
public class ResistiveDivisionWireTests
{
    [Theory]
    [InlineData(5.0, 5.0, "wires.word_segment_ohm = 5 ohm, wires.bit_segment_ohm = 5 ohm")]
    [InlineData(2.5, 0.0, "wires.word_segment_ohm = 2.5 ohm, wires.bit_segment_ohm = 0 ohm")]
    [InlineData(0.0, 0.25, "wires.word_segment_ohm = 0 ohm, wires.bit_segment_ohm = 0.25 ohm")]
    public void WireResistanceIsRefusedWithTheReason(double wordOhm, double bitOhm, string settings)
    {
        var preset = TestBench.Preset(ComputationDomain.ResistiveDivision, 8, 4) with
        {
            Wires = new WireConfig { WordSegmentOhm = wordOhm, BitSegmentOhm = bitOhm },
        };

        var error = Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1));

        Assert.Equal(
            settings + ": the resistive_division domain cannot emulate wire resistance: its bit lines float instead of sitting at virtual ground, " +
            "so the wires form a different network from the IR-drop network the emulator solves; set both to 0",
            error.Message);
    }

    [Fact]
    public void IdealWiresAreAccepted()
    {
        using var chip = new EmulatedChip(TestBench.Preset(ComputationDomain.ResistiveDivision, 8, 4), 1);

        Assert.DoesNotContain(chip.Info.NonIdealities, n => n.Name.StartsWith("ir_drop", StringComparison.Ordinal));
    }
}
