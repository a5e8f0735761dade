namespace AimcHil.Cli.Tests;

/// <summary>Write-verify on the PCM preset converges as a real iterative program-and-verify does: what stays
/// unconverged are the stuck devices, and the pulses are those of programming noise, not of re-judging verified
/// devices on fresh read noise (issue 9, item 3: 40,663 of 65,536 weights unconverged with 1,379,448 pulses).</summary>
public class WriteVerifyPresetTests
{
    [Fact]
    public void ThePcmPresetConvergesButForItsStuckDevices()
    {
        var outcome = AimcProcess.Run("mvm", "--rig", "hil-rigs/pcm-current-256.yaml", "--random-inputs", "4", "--json");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);

        // 131,072 devices, 0.1 % stuck off: about 131, of which those whose target lies beyond the 2 % tolerance miss
        // (76 with seed 1). With read noise off the same run takes 217,674 pulses: a verify read 1 µs after its pulse
        // adds little (σ = 0.0066 at g = 0.5 against the 0.02 tolerance).
        var unconverged = outcome.Json.GetProperty("unconverged_cells").GetInt32();
        Assert.InRange(unconverged, 1, 200);
        var pulses = outcome.Json.GetProperty("programming_pulses").GetInt64();
        Assert.InRange(pulses, 131_072, 240_000);
    }
}
