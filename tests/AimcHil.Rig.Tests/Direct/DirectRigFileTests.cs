using AimcHil.Core;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>Rig files of kind direct: they parse, a real board's file says which bus to enable when its node is missing,
/// and an emulated one gets the emulated buses wired to its chip.</summary>
public class DirectRigFileTests
{
    public static TheoryData<string> DirectRigFiles() => [.. RepositoryPaths.DirectRigs().Select(f => Path.GetFileName(f))];

    [Fact]
    public void TheDirectRigFilesAreThere() =>
        Assert.Equal(["direct-emulated.yaml", "rpi-ad7606.yaml", "rpi-mcp3008.yaml"], RepositoryPaths.DirectRigs().Select(Path.GetFileName));

    [Theory]
    [MemberData(nameof(DirectRigFiles))]
    public void EveryDirectRigFileParses(string file)
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, file));

        Assert.Equal(RigKind.Direct, rig.Kind);
        Assert.False(string.IsNullOrWhiteSpace(rig.Description));
        Assert.NotNull(rig.Direct);
        Assert.NotEmpty(rig.Direct.Inputs.Dacs);
        Assert.NotEmpty(rig.Direct.Outputs.Adcs);
        Assert.Equal(rig.Direct.Emulated, rig.Chip is not null);
    }

    [Theory]
    [InlineData("rpi-mcp3008.yaml")]
    [InlineData("rpi-ad7606.yaml")]
    public void ABoardWithoutSpiSaysWhichNodeIsMissingAndHowToEnableIt(string file)
    {
        if (File.Exists("/dev/spidev0.0"))
        {
            return; // a board with SPI enabled gets further; this specifies machines without it (CI)
        }

        var path = Path.Combine(RepositoryPaths.Rigs, file);

        var e = Assert.Throws<AimcException>(() => RigConnector.Open(path));

        Assert.Equal($"{path}: /dev/spidev0.0: no such device: enable SPI (on a Raspberry Pi: dtparam=spi=on in /boot/firmware/config.txt, then reboot; ls /dev/spidev*)", e.Message);
    }

    [Fact]
    public void AMissingSpiBusBeyondZeroNamesItsOverlay()
    {
        using var buses = new LinuxDirectBuses(0);

        var e = Assert.Throws<AimcException>(() => buses.Spi(new SpiBusConfig { Bus = 7, ChipSelect = 1 }));

        Assert.Equal("/dev/spidev7.1: no such device: enable SPI bus 7 with chip select 1 (on a Raspberry Pi: dtoverlay=spi7-2cs or more chip selects in /boot/firmware/config.txt, then reboot; ls /dev/spidev*)", e.Message);
    }

    [Fact]
    public void MissingGpioAndI2cNodesSayHowToEnableThem()
    {
        using var buses = new LinuxDirectBuses(97);

        var gpio = Assert.Throws<AimcException>(() => buses.Gpio);
        var i2c = Assert.Throws<AimcException>(() => buses.I2c(97, 0x48));

        Assert.Equal("/dev/gpiochip97: no such device: this machine has no such GPIO chip (ls /dev/gpiochip*; gpiodetect names them)", gpio.Message);
        Assert.Equal("/dev/i2c-97: no such device: enable I2C (on a Raspberry Pi: dtparam=i2c_arm=on in /boot/firmware/config.txt, then reboot; ls /dev/i2c-*)", i2c.Message);
    }

    [Fact]
    public void TheEmulatedRigOpensOnTheEmulatedBusesWiredToItsChip()
    {
        using var chip = RigConnector.Open(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));

        Assert.Equal((32, 16, 2, 8, 16), (chip.Info.Rows, chip.Info.Cols, chip.Info.Tiles, chip.Info.DacBits, chip.Info.AdcBits));
        Assert.Equal("tc1-current-32x16", chip.Info.Name);
        Assert.Equal(ComputationDomain.Current, chip.Info.Domain);
        Assert.Equal("direct: TC1 on /dev/spidev0.0", chip.Info.Transport);
        Assert.Equal(16, chip.Mvm(1, new Grid<int>(1, 32)).Codes.Cols);
    }

    [Fact]
    public void ADirectRigNeedsItsDirectSection()
    {
        var e = Assert.Throws<AimcException>(() => RigConnector.Open(RigFileReader.Parse("kind: direct\n", "r.yaml")));

        Assert.Equal("r.yaml: kind direct needs a 'direct' section (register_spi, start_line, done_line, inputs, outputs; see hil-rigs/direct-tc1.md)", e.Message);
    }

    [Fact]
    public void AnEmulatedDirectRigNeedsAChipSection()
    {
        var e = Assert.Throws<AimcException>(() => RigConnector.Open(RigFileReader.Parse("kind: direct\ndirect:\n  emulated: true\n", "r.yaml")));

        Assert.Equal("r.yaml: direct.emulated: true needs a 'chip' section: the emulator the emulated buses are wired to", e.Message);
    }
}
