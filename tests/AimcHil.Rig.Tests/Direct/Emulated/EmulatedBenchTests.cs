using System.Device.Gpio;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>The emulated rig of hil-rigs/direct-tc1.md end to end: the real drivers write the word lines, pulse START,
/// wait for DONE and scan the AD7606s, and the MAC they read is the emulated chip's analog output within the ADC's
/// quantization.</summary>
public class EmulatedBenchTests
{
    private const ulong Seed = 5;

    /// <summary>The wiring table of direct-tc1.md: TC1 on SPI 0.0, 4 × AD5676 on SPI 1.0–1.3, 2 × AD7606 (±5 V) on SPI
    /// 2.0–2.1, CONVST 5, BUSY 6 and 13, START 20, DONE 21.</summary>
    private static DirectRigConfig Wiring() => new()
    {
        Emulated = true,
        Inputs = new()
        {
            MidVolts = 1.25,
            HalfSpanVolts = 1.25,
            Dacs = [.. Enumerable.Range(0, 4).Select(cs => new ConverterConfig { Part = "ad5676", Bus = 1, ChipSelect = cs, ReferenceVolts = 2.5 })],
        },
        Outputs = new()
        {
            MidVolts = 0,
            HalfSpanVolts = 5,
            Adcs =
            [
                new ConverterConfig { Part = "ad7606", Bus = 2, ChipSelect = 0, RangeVolts = 5, ConvstLine = 5, BusyLine = 6 },
                new ConverterConfig { Part = "ad7606", Bus = 2, ChipSelect = 1, RangeVolts = 5, ConvstLine = 5, BusyLine = 13 },
            ],
        },
        MacFullScale = 16,
    };

    private static readonly ChipPreset Tc1Chip = new() { Name = "tc1", Rows = 32, Cols = 16 };

    [Fact]
    public void AWholeMvmThroughTheDriversReproducesTheChipsMac()
    {
        using var chip = new EmulatedChip(Tc1Chip, Seed);
        using var reference = new EmulatedChip(Tc1Chip, Seed);
        using var bench = new EmulatedBench(Wiring(), chip);
        var rng = new Random(1);
        var weights = new Grid<float>(32, 16, [.. Enumerable.Range(0, 512).Select(_ => (short)rng.Next(-16000, 16000) / 32767f)]);
        var options = new WriteVerifyOptions(true, 0.02, 20);
        chip.Program(0, weights, options);
        reference.Program(0, weights, options);
        var dacs = Enumerable.Range(0, 4).Select(cs => new Ad5676(bench.Spi(new SpiBusConfig { Bus = 1, ChipSelect = cs, Mode = 1 }))).ToArray();
        var gpio = bench.Gpio.Controller;
        gpio.OpenPin(20, PinMode.Output);
        gpio.OpenPin(21, PinMode.Input);
        gpio.OpenPin(13, PinMode.Input); // the second AD7606's BUSY; the first one's driver owns CONVST and BUSY 6
        var adc0 = new Ad7606(bench.Spi(new SpiBusConfig { Bus = 2, ChipSelect = 0, Mode = 2 }), gpio, 5, 6, Ad7606Range.PlusMinus5V);
        var adc1 = bench.Spi(new SpiBusConfig { Bus = 2, ChipSelect = 1, Mode = 2 });
        var xMax = chip.Info.InputCodeMax;

        for (var trial = 0; trial < 3; trial++)
        {
            var x = Enumerable.Range(0, 32).Select(_ => rng.Next(-xMax, xMax + 1)).ToArray();
            for (var part = 0; part < 4; part++)
            {
                dacs[part].WriteAll(x.Skip(8 * part).Take(8).Select(code => dacs[part].ToCode(1.25 + (code / (double)xMax * 1.25))).ToArray());
            }

            gpio.Write(20, PinValue.High);
            Assert.False(gpio.WaitForEvent(21, PinEventTypes.Rising, TimeSpan.FromMilliseconds(100)).TimedOut);
            var codes = new int[16];
            adc0.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], codes);
            Assert.False(gpio.WaitForEvent(13, PinEventTypes.Falling, TimeSpan.Zero).TimedOut);
            var words = new byte[16];
            adc1.Read(words);
            for (var k = 0; k < 8; k++)
            {
                codes[8 + k] = (short)(words[2 * k] << 8 | words[(2 * k) + 1]);
            }

            gpio.Write(20, PinValue.Low);
            Assert.False(gpio.WaitForEvent(21, PinEventTypes.Falling, TimeSpan.Zero).TimedOut);

            Assert.Equal(x, bench.Tc1.LastInputCodes);
            // TC1's outputs are the chip's analog values (no column ADC on the chip): the AD7606 alone quantizes them.
            var expected = reference.MvmAnalog(0, new Grid<int>(1, 32, x));
            var lsbMac = 5.0 / 32768 / 5 * 16;
            for (var j = 0; j < 16; j++)
            {
                var mac = codes[j] * 5.0 / 32768 / 5 * 16;
                Assert.InRange(mac - expected.Mac[0, j], -lsbMac / 2 - 1e-9, lsbMac / 2 + 1e-9);
            }
        }

        Assert.Equal(3, bench.Tc1.Computes);
        Assert.Equal(
            ["/dev/spidev0.0 TC1 0 0", "/dev/spidev1.0 AD5676 3 72", "/dev/spidev1.1 AD5676 3 72", "/dev/spidev1.2 AD5676 3 72", "/dev/spidev1.3 AD5676 3 72", "/dev/spidev2.0 AD7606 3 48", "/dev/spidev2.1 AD7606 3 48"],
            bench.Traffic().Select(t => $"{t.Device} {t.Part} {t.Messages} {t.Bytes}"));
    }

    [Fact]
    public void OutputsClipAtTheBufferRails()
    {
        using var chip = new EmulatedChip(Tc1Chip.Ideal(), Seed);
        var config = Wiring() with { MacFullScale = 1 };
        using var bench = new EmulatedBench(config, chip);
        var weights = new Grid<float>(32, 16);
        for (var i = 0; i < 32; i++)
        {
            weights[i, 0] = 1;
            weights[i, 1] = -1;
        }

        chip.Program(0, weights, WriteVerifyOptions.Default);
        for (var cs = 0; cs < 4; cs++)
        {
            new Ad5676(bench.Spi(new SpiBusConfig { Bus = 1, ChipSelect = cs, Mode = 1 })).WriteAll([.. Enumerable.Repeat(65535, 8)]);
        }

        bench.Gpio.Controller.OpenPin(20, PinMode.Output);
        bench.Gpio.Controller.Write(20, PinValue.High);

        Assert.Equal(5.0, bench.Tc1.OutputVolts(0));
        Assert.Equal(-5.0, bench.Tc1.OutputVolts(1));
        Assert.Equal(0.0, bench.Tc1.OutputVolts(2), 6);
    }

    [Fact]
    public void AnUnwiredDeviceIsNamedWithWhatTheRigFits()
    {
        using var chip = new EmulatedChip(Tc1Chip, Seed);
        using var bench = new EmulatedBench(Wiring(), chip);

        var spi = Assert.Throws<AimcException>(() => bench.Spi(new SpiBusConfig { Bus = 2, ChipSelect = 2 }));
        var i2c = Assert.Throws<AimcException>(() => bench.I2c(1, 0x48));

        Assert.Equal("emulated direct rig: nothing is wired to SPI bus 2, chip select 2 (/dev/spidev2.2); the rig file fits TC1 on /dev/spidev0.0, AD5676 on /dev/spidev1.0, AD5676 on /dev/spidev1.1, AD5676 on /dev/spidev1.2, AD5676 on /dev/spidev1.3, AD7606 on /dev/spidev2.0, AD7606 on /dev/spidev2.1", spi.Message);
        Assert.Equal("emulated direct rig: no device answers at address 0x48 on I2C bus 1 (/dev/i2c-1); the rig file fits no I2C parts", i2c.Message);
    }

    [Fact]
    public void RigFileMistakesAreNamed()
    {
        using var chip = new EmulatedChip(Tc1Chip, Seed);
        var unknown = Wiring() with { Inputs = new() { Dacs = [new ConverterConfig { Part = "ad9999", Bus = 1 }] } };
        var clash = Wiring() with { RegisterSpi = new() { Bus = 1, ChipSelect = 2 } };
        var noBusy = Wiring() with { Outputs = new() { Adcs = [new ConverterConfig { Part = "ad7606", Bus = 2, ConvstLine = 5 }] } };

        Assert.Equal("emulated direct rig: 'ad9999' is not a DAC part the emulation has (ad5328, ad5676, iot:ad5328); check inputs.dacs in the rig file", Assert.Throws<AimcException>(() => new EmulatedBench(unknown, chip)).Message);
        Assert.Equal("emulated direct rig: AD5676 and TC1 both sit on SPI bus 1, chip select 2; check the rig file", Assert.Throws<AimcException>(() => new EmulatedBench(clash, chip)).Message);
        Assert.Equal("emulated direct rig: ad7606 on SPI bus 2, chip select 0 needs busy_line; add it to the rig file", Assert.Throws<AimcException>(() => new EmulatedBench(noBusy, chip)).Message);
    }

    [Fact]
    public void AnAds1115AndMcp3208BenchReadsTheColumnsInOrder()
    {
        using var chip = new EmulatedChip(Tc1Chip.Ideal() with { Cols = 6 }, Seed);
        var config = Wiring() with
        {
            Outputs = new()
            {
                MidVolts = 1.65,
                HalfSpanVolts = 1.5,
                Adcs =
                [
                    new ConverterConfig { Part = "ads1115", Bus = 1, Address = 0x48, ReadyLine = 17, ChannelsUsed = 2 },
                    new ConverterConfig { Part = "mcp3208", Bus = 0, ChipSelect = 1, ReferenceVolts = 3.3 },
                ],
            },
        };
        using var bench = new EmulatedBench(config, chip);
        var ads = new Ads1115(bench.I2c(1, 0x48), bench.Gpio.Controller, 17, Ads1115FullScale.PlusMinus4_096V, Ads1115DataRate.Sps860);
        var mcp = new Mcp3208(bench.Spi(new SpiBusConfig { Bus = 0, ChipSelect = 1 }), 3.3);
        var twoCodes = new int[4];
        var eightCodes = new int[8];

        ads.ReadCodes([0, 1, 2, 3], twoCodes);
        mcp.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], eightCodes);

        // Before a compute every output sits at mid-rail; ADS1115 channels beyond channels_used are grounded; MCP3208
        // channels beyond the chip's 6 columns read mid-rail.
        Assert.Equal(new[] { 13200, 13200, 0, 0 }, twoCodes);
        Assert.Equal(Enumerable.Repeat(2048, 8), eightCodes);
        Assert.Equal(2 + (2 * 4), bench.I2cTransactions); // the ready pattern in both thresholds, then start and read per channel
    }
}
