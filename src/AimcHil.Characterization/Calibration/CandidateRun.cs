using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>A procedure measured on a candidate twin in memory: the fits compare what the chip gave with what a
/// candidate parameter set gives under the very same procedure and estimator.</summary>
internal static class CandidateRun
{
    public const ulong Seed = 0x7417;

    public static IReadOnlyList<DataPoint> Measure(ChipPreset candidate, Procedure procedure)
    {
        using var chip = new EmulatedChip(candidate, Seed);
        var points = new PointList();
        new MeasurementRun(chip, procedure, points) { Seed = Seed }.Execute();
        // The same estimator as on the chip's datasets: a passive candidate's read-backs inverted to its devices.
        return candidate.AccessTransistors ? points.Points.ToList() : SneakPathInversion.Devices(points.Points.ToList());
    }
}
