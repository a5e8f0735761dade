using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;
using AimcHil.Training.Data;

namespace AimcHil.Training.Tests.Runs;

/// <summary>A small noisy emulated chip and a toy problem that a 16-12-3 MLP learns in a few epochs.</summary>
internal static class SmallChips
{
    public static readonly int[] Layers = [16, 12, 3];

    public static ChipPreset Preset => new()
    {
        Name = "small-pcm",
        Rows = 16,
        Cols = 16,
        Tiles = 4,
        Adc = new AdcConfig { Bits = 8, RangeMac = 8 },
        ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
        Pcm = new PcmConfig { Drift = false },
    };

    public static EmulatedChip Chip(ulong seed = 3) => new(Preset, seed);

    public static (Dataset Train, Dataset Test) Data()
    {
        var all = SyntheticDataset.GaussianBlobs(600, 16, 3, 5, separation: 2.5);
        return all.Split(480);
    }
}
