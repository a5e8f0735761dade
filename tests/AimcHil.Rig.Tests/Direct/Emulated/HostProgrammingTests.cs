using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>Host-driven write-verify of one device through TC1's CELL, PULSE and VERIFY registers (incremental step
/// pulse programming, hil-rigs/direct-tc1.md) on the emulated rig of hil-rigs/direct-emulated.yaml.</summary>
public class HostProgrammingTests
{
    private const float Target = 0.6f;
    private const double Tolerance = 0.01;
    private const int PulseBudget = 100;
    private const double StartVolts = 0.8;
    private const double StepVolts = 0.05;
    private const double CeilingVolts = 2.0;
    private const double WidthSeconds = 100e-9;

    /// <summary>ISPP as a host would run it: verify, pulse toward the target, raise the amplitude by a step, and start
    /// again from the lowest amplitude whenever the direction changes; returns the pulses spent.</summary>
    private static int Ispp(Tc1Registers tc1, int array)
    {
        var volts = StartVolts;
        var up = true;
        for (var pulses = 0; pulses < PulseBudget; pulses++)
        {
            var state = tc1.ReadVerify();
            if (Math.Abs(state - Target) <= Tolerance)
            {
                return pulses;
            }

            if ((state < Target) != up)
            {
                up = state < Target;
                volts = StartVolts;
            }

            tc1.Pulse(array, up ? volts : -volts, WidthSeconds);
            volts = Math.Min(volts + StepVolts, CeilingVolts);
        }

        return PulseBudget;
    }

    [Fact]
    public void IsppThroughTheRegistersBringsOneDeviceToItsTargetAndTheNextMvmSeesIt()
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        Assert.Equal(new Emulator.Devices.PulseResponse { ThresholdVolts = 0.5, FullVolts = 2.0, TimeConstantSeconds = 1e-7 }, rig.Chip!.PulseResponse);
        var preset = rig.Chip! with
        {
            // Verify reads without read noise and a device that holds still, so the host's read is the device's state;
            // programming noise stays on, which is what write-verify is for.
            Pcm = rig.Chip!.Pcm! with { ReadNoise = false, Drift = false },
        };
        using var emulator = new EmulatedChip(preset, rig.Seed);
        using var bench = new EmulatedBench(rig.Direct!, emulator);
        using var chip = new DirectChip(rig.Direct!, bench, DirectChipDescription.Of(emulator));
        var x = new Grid<int>(1, 32);
        x[0, 5] = chip.Info.InputCodeMax;
        var before = chip.Mvm(0, x);

        var tc1 = chip.Registers;
        tc1.ReadStatus(); // clears the compute's DONE: pulses raise neither DONE nor ERROR
        tc1.WriteTile(0);
        tc1.WriteCell(5, 7);
        tc1.WriteArray(0);
        Assert.Equal(0f, tc1.ReadVerify());
        var pulses = Ispp(tc1, 0);

        Assert.InRange(pulses, 1, 40);
        Assert.Equal(pulses, bench.Tc1.Pulses);
        Assert.Equal(pulses, emulator.PulsesApplied);
        Assert.Equal(Tc1Status.None, tc1.ReadStatus());
        var device = emulator.ReadDevice(0, 0, 5, 7);
        Assert.InRange(device, Target * 0.98f, Target * 1.02f);

        // The weight is G+ − G− = the device's state; the next MVM, DACs to ADCs, sees it within the 8-bit chip ADC's
        // step (16 MAC / 256) and the AD7606's.
        var after = chip.Mvm(0, x);
        var lsb = 16.0 / 256;
        Assert.InRange(before.ToMac(0, 7), -lsb, lsb);
        Assert.InRange(after.ToMac(0, 7), device - lsb, device + lsb);
        for (var j = 0; j < 16; j++)
        {
            if (j != 7)
            {
                Assert.InRange(after.ToMac(0, j), -lsb, lsb);
            }
        }
    }
}
