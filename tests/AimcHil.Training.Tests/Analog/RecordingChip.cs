using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Tests.Analog;

/// <summary>A chip that keeps what it was asked to program and answers every MVM with seeded codes, scales and offsets
/// of its own: the host side of a layer checked against its reference formulas without any physics in between.</summary>
internal sealed class RecordingChip(ChipInfo info) : IAimcChip
{
    private readonly SeededRandom _answers = SeededRandom.For(5, "recording-chip");

    public ChipInfo Info { get; } = info;

    public IChipClock Clock { get; } = new WallClock();

    /// <summary>Every programming in order: tile, a copy of the targets, a copy of the selection (null for all).</summary>
    public List<(int Tile, Grid<float> Targets, Grid<bool>? Only)> Programmed { get; } = [];

    /// <summary>Every MVM in order: tile, a copy of the codes, the answer.</summary>
    public List<(int Tile, Grid<int> Codes, MvmResult Result)> Measured { get; } = [];

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        Programmed.Add((tile, Copy(targets), only is null ? null : Copy(only)));
        return new ProgrammingReport
        {
            Tile = tile,
            Targets = targets,
            Representable = targets,
            Achieved = targets,
            Pulses = new Grid<int>(targets.Rows, targets.Cols),
            TotalPulses = 7,
            Unconverged = [],
        };
    }

    public DeviceStates ReadBack(int tile) => throw new NotSupportedException();

    public MvmResult Mvm(int tile, Grid<int> inputCodes)
    {
        var codes = new Grid<int>(inputCodes.Rows, Info.Cols);
        for (var k = 0; k < codes.Data.Length; k++)
        {
            codes.Data[k] = _answers.NextInt(Info.AdcCodeMax - Info.AdcCodeMin + 1) + Info.AdcCodeMin;
        }

        var perCode = new double[Info.Cols];
        var offset = new double[Info.Cols];
        for (var j = 0; j < Info.Cols; j++)
        {
            perCode[j] = 0.05 + _answers.NextDouble();
            offset[j] = _answers.NextDouble() - 0.5;
        }

        var result = new MvmResult { Codes = codes, MacPerCode = perCode, MacOffset = offset, SaturatedOutputs = 0 };
        Measured.Add((tile, Copy(inputCodes), result));
        return result;
    }

    public void Dispose()
    {
    }

    private static Grid<T> Copy<T>(Grid<T> grid) => new(grid.Rows, grid.Cols, (T[])grid.Data.Clone());

    private sealed class WallClock : IChipClock
    {
        public double Seconds => 0;

        public bool IsVirtual => false;

        public void Advance(double seconds)
        {
        }
    }
}
