using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Tests;

/// <summary>A measurement stopped anywhere and resumed on a fresh emulator records exactly the points an uninterrupted
/// run records: the same sequence numbers, the same values bit for bit.</summary>
public sealed class ResumeTests
{
    private static ChipPreset Chip()
    {
        var chip = TwinCalibrationTests.SmallBenchmarkChip(drift: true);
        return chip with { Rows = 16, Cols = 16, ColumnMismatch = chip.ColumnMismatch with { MeasuredGain = null, MeasuredOffset = null } };
    }

    /// <summary>A sink that dies (like a killed process) after a number of points.</summary>
    private sealed class DyingSink(PointList inner, int lives) : IPointSink
    {
        private int _lives = lives;

        public bool Contains(long seq) => inner.Contains(seq);

        public void Append(DataPoint point)
        {
            if (_lives-- == 0)
            {
                throw new OperationCanceledException("killed");
            }

            inner.Append(point);
        }
    }

    public static TheoryData<string, int> Cases() => new()
    {
        { "stuck", 1 }, { "stuck", 3 }, { "programming", 1 }, { "read-noise", 5 }, { "drift", 4 },
        { "transfer", 0 }, { "transfer", 40 }, { "transfer", 300 }, { "ir-drop", 1 }, { "ir-drop", 9 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void KilledAndResumedEqualsUninterrupted(string name, int pointsBeforeKill)
    {
        var whole = new PointList();
        using (var chip = new EmulatedChip(Chip(), 3))
        {
            var outcome = new MeasurementRun(chip, ProcedureCatalog.Create(name), whole) { Seed = 3 }.Execute();
            Assert.True(outcome.Completed);
        }

        var resumed = new PointList();
        using (var chip = new EmulatedChip(Chip(), 3))
        {
            Assert.Throws<OperationCanceledException>(() => new MeasurementRun(chip, ProcedureCatalog.Create(name), new DyingSink(resumed, pointsBeforeKill)) { Seed = 3 }.Execute());
        }

        Assert.Equal(pointsBeforeKill, resumed.Points.Count);
        using (var chip = new EmulatedChip(Chip(), 3))
        {
            // A fresh process: another clock, another history; the blocks reseed themselves.
            chip.Clock.Advance(1234.5);
            var outcome = new MeasurementRun(chip, ProcedureCatalog.Create(name), resumed) { Seed = 3 }.Execute();
            Assert.True(outcome.Completed);
            Assert.Equal(whole.Points.Count - pointsBeforeKill, outcome.PointsMeasuredNow);
        }

        Assert.Equal(whole.Points.Select(p => p.Seq), resumed.Points.Select(p => p.Seq));
        foreach (var (a, b) in whole.Points.Zip(resumed.Points))
        {
            Assert.Equal(a.Scalars, b.Scalars);
            Assert.Equal(a.Arrays.Keys.Order(), b.Arrays.Keys.Order());
            foreach (var key in a.Arrays.Keys)
            {
                Assert.Equal(a.Arrays[key].Shape, b.Arrays[key].Shape);
                Assert.Equal(a.Arrays[key].Values, b.Arrays[key].Values);
            }
        }
    }

    [Fact]
    public void TimeBudgetStopsCleanlyAndKeepsThePointsMeasured()
    {
        var points = new PointList();
        using var chip = new EmulatedChip(Chip(), 3);
        var outcome = new MeasurementRun(chip, ProcedureCatalog.Create("transfer"), points) { Seed = 3, MaxTime = TimeSpan.Zero }.Execute();
        Assert.False(outcome.Completed);
        Assert.Equal($"the time budget of 0 s was spent", outcome.StopReason);
        Assert.Equal(points.Points.Count, outcome.PointsRecorded);
    }
}
