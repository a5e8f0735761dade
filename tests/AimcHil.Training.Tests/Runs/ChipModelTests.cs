using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Training.Runs;

namespace AimcHil.Training.Tests.Runs;

/// <summary>How a training mode reaches a model of the chip and the pulse-only programming: an emulated chip models
/// itself by its design, a calibrated twin models the chip it was fitted to, a chip with neither is refused in words
/// that say what to give, and counting pulses alone spends exactly the pulses of the full report.</summary>
public class ChipModelTests
{
    private static TrainingOptions Options(TrainingMode mode) => TrainerTests.Options(mode, epochs: 1);

    [Fact]
    public void AnEmulatedChipModelsItselfByItsDesign()
    {
        using var chip = SmallChips.Chip();
        IChipModel model = chip;

        Assert.Same(chip.Preset, model.Preset);
        Assert.Same(chip.Device, model.Device);
        Assert.Same(chip.Physics.Encoding, model.Encoding);
        Assert.False(model.Calibrated);
    }

    [Fact]
    public void ACalibratedTwinModelsTheChipItWasFittedTo()
    {
        using var chip = SmallChips.Chip();
        var path = Path.Combine(Directory.CreateTempSubdirectory("aimc-twin-").FullName, "twin.yaml");
        File.WriteAllText(path, """
            kind: emulator
            chip:
              name: small-pcm-twin
              rows: 16
              cols: 16
              tiles: 4
              adc:
                bits: 8
                range_mac: 8
            """);

        var model = Assert.IsAssignableFrom<IChipModel>(DigitalTwin.Open(path, chip.Info));

        Assert.True(model.Calibrated);
        Assert.Equal("small-pcm-twin", model.Preset.Name);
        Assert.Equal(chip.Device.GetType(), model.Device.GetType());
        Assert.Equal(((IChipModel)chip).Encoding.ArrayNames, model.Encoding.ArrayNames);
    }

    [Fact]
    public void NoiseModeOnAChipWithoutAModelIsRefused()
    {
        var (train, test) = SmallChips.Data();
        using var chip = new HiddenDesignChip(SmallChips.Chip());

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Noise), train, test, chip).Run());

        Assert.Equal("mode noise samples the device model of an emulated chip: use an emulator rig", e.Message);
    }

    [Fact]
    public void ThePhysicalBackwardOnAChipWithoutAModelIsRefused()
    {
        var (train, test) = SmallChips.Data();
        using var chip = new HiddenDesignChip(SmallChips.Chip());

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil) with { BackwardModel = "physical" }, train, test, chip).Run());

        Assert.Equal("the physical backward model differentiates the design of an emulated chip: use an emulator rig, or use --backward-model calibrated with --twin TWIN.yaml (the digital twin `aimc calibrate` wrote)", e.Message);
    }

    [Fact]
    public void AProgressiveRunIsNotResumed()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var directory = Directory.CreateTempSubdirectory("aimc-progressive-").FullName;
        new Trainer(Options(TrainingMode.Progressive), train, test, chip).Run(directory, false, false, null, null, CancellationToken.None);

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Progressive), train, test, chip).Run(directory, true, false, null, null, CancellationToken.None));

        Assert.Equal("progressive runs cannot be resumed yet: start the run again (its stages are short)", e.Message);
    }

    [Fact]
    public void CountingPulsesAloneSpendsThePulsesOfTheFullReport()
    {
        var (train, test) = SmallChips.Data();
        using var counting = SmallChips.Chip(seed: 11);
        using var reporting = new HiddenDesignChip(SmallChips.Chip(seed: 11));
        var options = Options(TrainingMode.Naive);

        var countedPulses = new Trainer(options, train, test, counting).Network.Program(counting, options.Programming);
        var reportedPulses = new Trainer(options, train, test, reporting).Network.Program(reporting, options.Programming);

        Assert.IsAssignableFrom<IPulseCountingChip>(counting);
        Assert.IsNotAssignableFrom<IPulseCountingChip>(reporting);
        Assert.True(countedPulses > 0);
        Assert.Equal(reportedPulses, countedPulses);
        for (var tile = 0; tile < counting.Info.Tiles; tile++)
        {
            Assert.Equal(reporting.ReadBack(tile).Weights.Data, counting.ReadBack(tile).Weights.Data);
        }
    }
}
