using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Emulator;
using AimcHil.Emulator.Periphery;
using AimcHil.Rig;

namespace AimcHil.Characterization.Tests;

/// <summary>The device I–V bend from a current-domain chip's transfer sweeps, with every other non-ideality off.</summary>
public sealed class IvFitTests
{
    /// <summary>a₂ = 0.5 /V and a₃ = 2.5 /V² (each adds 10 % to Ohm's law at full scale, at the 0.2 V read voltage)
    /// come back to within what the 8-bit ADC resolves, and an ohmic chip reads as ohmic.</summary>
    [Theory]
    [InlineData(0.5, 2.5)]
    [InlineData(0.0, 0.0)]
    public void RecoversTheBendOfANoiselessChip(double a2PerVolt, double a3PerVoltSquared)
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "rram-passive-1r.yaml")).Chip!;
        var preset = rig with
        {
            AccessTransistors = true,
            Wires = new WireConfig(),
            ColumnMismatch = new ColumnMismatchConfig { Enabled = false },
            Rram = rig.Rram! with
            {
                ProgrammingNoise = false,
                ReadNoise = false,
                StuckAt = false,
                IvNonLinearity = a2PerVolt != 0 || a3PerVoltSquared != 0,
                IvA2PerVolt = a2PerVolt,
                IvA3PerVoltSquared = a3PerVoltSquared,
            },
        };
        using var chip = new EmulatedChip(preset, 5);
        var points = new PointList();
        new MeasurementRun(chip, new TransferProcedure(new TransferSettings()), points) { Seed = 5 }.Execute();
        var sweeps = ReadoutSweep.From(chip.Info, points.Points.ToList(), "transfer", null);
        var design = DeviceKnobs.WithMinState(TwinDesign.From(chip.Info, preset.Rram.GMaxSiemens), 0.1);

        var bend = IvFit.Fit(design, sweeps);

        Assert.InRange(bend.A2PerVolt, a2PerVolt - 0.05, a2PerVolt + 0.05);
        Assert.InRange(bend.A3PerVoltSquared, a3PerVoltSquared - 0.15, a3PerVoltSquared + 0.15);
    }
}
