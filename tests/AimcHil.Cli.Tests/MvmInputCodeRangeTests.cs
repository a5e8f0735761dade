using AimcHil.Numerics;

namespace AimcHil.Cli.Tests;

/// <summary>An input code no DAC has (the most negative int32, whose magnitude does not fit an int32) is one line
/// naming the DAC range, in process and over the virtual rig, never an OverflowException.</summary>
public sealed class MvmInputCodeRangeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("aimc-codes-");

    [Fact]
    public void TheMostNegativeInt32CodeIsOutsideTheDacRangeInProcess()
    {
        var inputs = Inputs(0);

        AimcProcess.AssertUserError(
            AimcProcess.Run("mvm", "--rig", "hil-rigs/pcm-current-256.yaml", "--inputs", inputs, "--no-verify"),
            $"{inputs}: input code -2147483648 is outside the 8-bit DAC range [-127, 127]");
    }

    [Fact]
    public void TheMostNegativeInt32CodeIsOutsideTheDacRangeOverTheVirtualRig()
    {
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0");

        AimcProcess.AssertUserError(
            AimcProcess.Run("mvm", "--rig", "hil-rigs/virtual-tcp.yaml", "--port", server.Port, "--inputs", Inputs(7), "--no-verify"),
            $"{Path.Combine(_dir.FullName, "x7.npy")}: input code -2147483648 is outside the 8-bit DAC range [-127, 127]");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Two input vectors of DAC codes with int.MinValue at position <paramref name="at"/>.</summary>
    private string Inputs(int at)
    {
        var codes = Enumerable.Repeat(3, 2 * 256).ToArray();
        codes[at] = int.MinValue;
        var path = Path.Combine(_dir.FullName, $"x{at}.npy");
        Npy.Write(path, codes, 2, 256);
        return path;
    }
}
