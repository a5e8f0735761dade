using AimcHil.Characterization.Calibration;
using AimcHil.Emulator.Circuits;

namespace AimcHil.Characterization.Tests;

/// <summary>The device states behind a passive array's single-device reads: exact on a noiseless array, whatever the
/// sneak paths, and the identity where there are none.</summary>
public sealed class SneakPathInversionTests
{
    /// <summary>A 32×(2·32) array of states in [0.1, 1] with two devices at 0 (stuck off), read one cell at a time:
    /// each read is some 20 times its device (the sneak paths), and the inversion returns every device to 1e−5.</summary>
    [Fact]
    public void ReturnsTheDevicesOfANoiselessPassiveArrayExactly()
    {
        const int Rows = 32, Cols = 32, Arrays = 2;
        var rng = AimcHil.Numerics.SeededRandom.For(3, "test/sneak inversion");
        var states = new float[Arrays * Rows * Cols];
        for (var k = 0; k < states.Length; k++)
        {
            states[k] = (float)(0.1 + (0.9 * rng.NextDouble()));
        }

        states[5] = 0;
        states[(Rows * Cols) + 700] = 0;
        var reads = Reads(states, Arrays, Rows, Cols);
        Assert.True(reads.Average() > 15 * states.Average(), $"reads {reads.Average():F2} against devices {states.Average():F2}");

        var devices = SneakPathInversion.DeviceStates(reads, Arrays, Rows, Cols);

        for (var k = 0; k < states.Length; k++)
        {
            Assert.True(Math.Abs(devices[k] - states[k]) < 1e-5, $"device {k}: {devices[k]} for {states[k]}");
        }
    }

    /// <summary>One row and one column: the only path is the device itself, so the reads are the states.</summary>
    [Fact]
    public void ASingleDeviceReadsAsItself()
    {
        Assert.InRange(SneakPathInversion.DeviceStates([0.37f], 1, 1, 1)[0], 0.37f - 1e-7f, 0.37f + 1e-7f);
    }

    /// <summary>The reads as the emulator's read model gives them: the arrays side by side on shared word lines.</summary>
    private static float[] Reads(float[] states, int arrays, int rows, int cols)
    {
        var wide = arrays * cols;
        var g = new double[rows * wide];
        for (var a = 0; a < arrays; a++)
        {
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    g[(i * wide) + (a * cols) + j] = states[(((a * rows) + i) * cols) + j];
                }
            }
        }

        var apparent = SneakPathRead.ApparentConductance(g, rows, wide, accessTransistors: false);
        var reads = new float[states.Length];
        for (var a = 0; a < arrays; a++)
        {
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    reads[(((a * rows) + i) * cols) + j] = (float)apparent[(i * wide) + (a * cols) + j];
                }
            }
        }

        return reads;
    }
}
