using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>A tile rebuilt after a programming takes over the arrays of its previous compute view and held read-noise
/// draw. Nothing of their old contents may survive: a chip reprogrammed many times computes exactly what a fresh one
/// does, and the view's noise arrays are, bit for bit, the whole-array formulas of the read-noise law.</summary>
public class RebuildReuseTests
{
    private static ChipPreset Pcm(int rows, int cols) => TestBench.Preset(ComputationDomain.Current, rows, cols) with
    {
        Pcm = new PcmConfig { Drift = false, StuckAt = false },
        ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
    };

    public static TheoryData<string> Presets => ["pcm-current", "rram-charge"];

    private static ChipPreset Named(string name) => name switch
    {
        "pcm-current" => Pcm(48, 40),
        // RRAM's default noise and I–V curve: the charge domain scales the pair's noise gains by its gain.
        _ => TestBench.Preset(ComputationDomain.Charge, 48, 40) with
        {
            Charge = new AimcHil.Emulator.Domains.ChargeDomainConfig { Saturation = false, KtcNoise = true },
        },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void AReprogrammedTileComputesWhatAFreshChipDoes(string preset)
    {
        var inputs = TestBench.RandomInputs(6, 48, 127, 2);
        using var fresh = new EmulatedChip(Named(preset), 3);
        using var reused = new EmulatedChip(Named(preset), 3);

        // Views and draws of earlier programmings (a partial one among them) leave their arrays behind.
        reused.Program(0, TestBench.RandomWeights(48, 40, 10), WriteVerifyOptions.SinglePulse);
        reused.Mvm(0, inputs);
        reused.Program(0, TestBench.RandomWeights(48, 40, 11), WriteVerifyOptions.SinglePulse, new Grid<bool>(48, 40, Enumerable.Range(0, 48 * 40).Select(k => k % 3 == 0).ToArray()));
        reused.Mvm(0, inputs);

        // Reseeding restarts every stream and the held draw's programming count, so from here both chips draw alike.
        fresh.Reseed(99);
        reused.Reseed(99);
        var target = TestBench.RandomWeights(48, 40, 12);
        fresh.Program(0, target, WriteVerifyOptions.SinglePulse);
        reused.Program(0, target, WriteVerifyOptions.SinglePulse);
        Assert.Equal(fresh.Mvm(0, inputs).Codes.Data, reused.Mvm(0, inputs).Codes.Data);
        Assert.Equal(fresh.MvmAnalog(0, inputs).Mac.Data, reused.MvmAnalog(0, inputs).Mac.Data);
    }

    /// <summary>6144 devices per array: three pieces of the noise set-up's 2048, the last one partial.</summary>
    [Fact]
    public void TheViewsNoiseArraysAreTheWholeArrayFormulasBitForBit()
    {
        const int Rows = 64;
        const int Cols = 96;
        const ulong Seed = 4;
        var preset = Pcm(Rows, Cols) with { Pcm = new PcmConfig { Drift = false, StuckAt = false, ProgrammingNoise = false } };
        using var chip = new EmulatedChip(preset, Seed);
        var weights = TestBench.RandomWeights(Rows, Cols, 5);
        for (var programming = 0; programming < 3; programming++)
        {
            chip.Clock.Advance(100);
            chip.Program(0, weights, WriteVerifyOptions.SinglePulse);
            var programmedAt = chip.Clock.Seconds;
            chip.Clock.Advance(3600);
            var view = chip.ComputeView(0);

            // Programming noise is off, so the devices hold the encoded targets; the held draw is the tile's stream
            // for this programming, read at age + t0.
            var device = chip.Device;
            var states = new[] { new float[Rows * Cols], new float[Rows * Cols] };
            chip.Physics.Encoding.Encode(weights.Data, states);
            var readSeconds = (chip.Clock.Seconds - programmedAt) + device.SettlingSeconds;
            var white = device.ReadNoiseWhiteFraction(readSeconds, preset.Timing.MvmSeconds);
            var heldScale = (float)Math.Sqrt(1 - white);
            var rng = SeededRandom.For(Seed, $"read/held/tile0/programming{programming + 1}");
            var variance = new float[Rows * Cols];
            var slow = new float[Rows * Cols];
            var expectedWeights = new float[Rows * Cols];
            var span = 1f - device.MinState;
            for (var k = 0; k < expectedWeights.Length; k++)
            {
                expectedWeights[k] = ((states[0][k] * 1f) - (states[1][k] * 1f)) / span;
            }

            for (var a = 0; a < 2; a++)
            {
                var held = new float[Rows * Cols];
                rng.FillStandardNormal(held);
                var sigma = new float[Rows * Cols];
                device.ReadNoiseSigmas(states[a], states[a], readSeconds, sigma);
                var gain = new float[Rows * Cols];
                TensorPrimitives.Multiply(Enumerable.Repeat(1f, Rows * Cols).ToArray(), 1f / span, gain);
                TensorPrimitives.Multiply(sigma, gain, sigma);
                var term = new float[Rows * Cols];
                TensorPrimitives.Multiply(sigma, held, term);
                TensorPrimitives.MultiplyAdd(term, heldScale, slow, slow);
                TensorPrimitives.Multiply(sigma, sigma, sigma);
                TensorPrimitives.MultiplyAdd(sigma, (float)white, variance, variance);
            }

            Assert.Equal(expectedWeights, view.Weights);
            Assert.Equal(variance, view.NoiseVariance);
            Assert.Equal(slow, view.SlowNoise);
        }
    }
}
