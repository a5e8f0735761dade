using AimcHil.Characterization.Calibration;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;

namespace AimcHil.Characterization.Tests;

/// <summary>What a twin takes from the chip's own statement of its design, and which designs calibration refuses.</summary>
public sealed class TwinDesignTests
{
    private static ChipInfo InfoOf(string rig)
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, rig)).Chip!;
        using var chip = new EmulatedChip(preset, 1);
        return chip.Info;
    }

    [Fact]
    public void DriftCompensationIsTakenAsTheChipStatesIt()
    {
        Assert.True(TwinDesign.From(InfoOf("pcm-current-256.yaml"), 25e-6).DriftCompensation);
        Assert.False(TwinDesign.From(InfoOf("fmnist-hil-1.yaml"), 25e-6).DriftCompensation);
    }

    /// <summary>The read scheme is a design fact: a passive array's twin is passive too, so its write-verify and
    /// read-backs see the sneak paths the chip's do; an array with access devices keeps them.</summary>
    [Fact]
    public void APassiveArraysTwinIsPassive()
    {
        Assert.False(TwinDesign.From(InfoOf("rram-passive-1r.yaml"), 100e-6).AccessTransistors);
        Assert.True(TwinDesign.From(InfoOf("rram-1t1r-charge.yaml"), 100e-6).AccessTransistors);
    }

    [Fact]
    public void AnotherDomainIsRefusedByName()
    {
        var e = Assert.Throws<AimcException>(() => TwinDesign.From(InfoOf("sram-time-domain.yaml"), 100e-6));
        Assert.Equal("calibration covers current-, charge- and resistive-division-domain chips so far; sram-time-domain-128 computes in the time_domain domain", e.Message);
    }

    /// <summary>5 pF, 300 K and 0.9 V rails on the preset: the chip states T0 (input full scale), its volts per MAC
    /// (0.2 V · 100 µS · 10 ns / 5 pF · span 0.9 = 0.036 V), the rails and σ = √(kT/C) = 28.8 µV; with the twin's floor
    /// set to the chip's (span 0.9), the capacitance and temperature that give those come back.</summary>
    [Fact]
    public void AChargeDomainChipsIntegratorIsTakenAsItStatesIt()
    {
        var info = InfoOf("rram-1t1r-charge.yaml");
        var design = TwinDesign.WithChipOutputScale(DeviceKnobs.WithMinState(TwinDesign.From(info, 100e-6), 0.1), info);
        var charge = design.Charge!;
        Assert.Equal(10e-9, charge.PulseFullScaleSeconds);
        Assert.Equal(5e-12, charge.IntegrationCapacitanceFarad, 5e-21);
        Assert.Equal(300, charge.TemperatureKelvin, 1e-6);
        Assert.True(charge.Saturation);
        Assert.Equal(0.9, charge.RailVolts);
        Assert.True(charge.KtcNoise);
        Assert.Null(design.Current);
    }

    [Fact]
    public void ALowStateAtFullScaleIsRefusedNotTurnedIntoAnOnOffRatioBelowOne()
    {
        var design = TwinDesign.From(InfoOf("fmnist-hil-1.yaml"), 25e-6) with { Device = DeviceTechnology.Rram, Rram = new AimcHil.Emulator.Devices.RramConfig() };
        var e = Assert.Throws<AimcException>(() => DeviceKnobs.WithMinState(design, 2.98));
        Assert.Equal("the stuck dataset's devices programmed to their lowest state read back at 2.98 of full scale: no on/off ratio can be fitted from that (check the stuck measurement)", e.Message);
    }
}
