using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>Programming through the TC1 register interface on the emulated bench reports exactly what the emulator
/// reports in process: the same weights reached, pulses and unconverged weights, address by address.</summary>
public class DirectProgrammingTests
{
    [Fact]
    public void AWriteVerifyProgramReportsWhatTheEmulatorReportsInProcess()
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        var weights = new Grid<float>(rig.Chip!.Rows, rig.Chip.Cols);
        new Numerics.SeededRandom(5).FillUniform(weights.Data, -1f, 1f);

        // Targets the register interface carries exactly (Q15), so both chips aim at the same weights.
        for (var k = 0; k < weights.Data.Length; k++)
        {
            weights.Data[k] = MathF.Round(weights.Data[k] * 32767f) / 32767f;
        }

        // A tolerance PROGRAM_CONFIG carries exactly (a fraction of 65535), about 1 %.
        var options = new WriteVerifyOptions(true, 655.0 / 65535, 5);
        using var inProcess = new EmulatedChip(rig.Chip, rig.Seed);
        using var direct = RigConnector.Open(rig);

        var expected = inProcess.Program(1, weights, options);
        var actual = direct.Program(1, weights, options);

        Assert.NotEmpty(expected.Unconverged);
        Assert.Equal(expected.Unconverged, actual.Unconverged);
        Assert.Equal(expected.TotalPulses, actual.TotalPulses);
        Assert.Equal(expected.Pulses!.Data, actual.Pulses!.Data);
        for (var k = 0; k < weights.Data.Length; k++)
        {
            // Q15 on the register interface: half a step of 1/32767, and a verify read beyond ±1 reads as ±1.
            var reached = Math.Clamp(expected.Achieved!.Data[k], -1f, 1f);
            Assert.InRange(actual.Achieved!.Data[k] - reached, -0.5f / 32767, 0.5f / 32767);
        }
    }
}
