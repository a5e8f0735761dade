using System.Device.Gpio;
using System.Device.I2c;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>ADS1115 single-shot reads against the register map of SBAS444 (config 0x01, conversion 0x00, thresholds 0x02/0x03).</summary>
public class Ads1115Tests
{
    private static readonly I2cConnectionSettings At0x48OnBus1 = new(1, 0x48);

    /// <summary>A part that is busy for <paramref name="busyPolls"/> config reads, then holds <paramref name="result"/>.</summary>
    private static ScriptedI2c Part(int busyPolls, params byte[] result)
    {
        ushort config = 0;
        var polls = 0;
        return new ScriptedI2c(At0x48OnBus1, (written, readLength) =>
        {
            if (readLength == 0)
            {
                if (written[0] == Ads1115.Config)
                {
                    config = (ushort)(written[1] << 8 | written[2]);
                    polls = 0;
                }

                return [];
            }

            if (written[0] == Ads1115.Config)
            {
                var os = polls++ < busyPolls ? 0 : 0x8000;
                var read = (config & 0x7FFF) | os;
                return [(byte)(read >> 8), (byte)read];
            }

            return result;
        });
    }

    [Theory]
    [InlineData(0, Ads1115FullScale.PlusMinus4_096V, Ads1115DataRate.Sps128, 0xC383)]
    [InlineData(2, Ads1115FullScale.PlusMinus2_048V, Ads1115DataRate.Sps128, 0xE583)]
    [InlineData(3, Ads1115FullScale.PlusMinus0_256V, Ads1115DataRate.Sps860, 0xFBE3)]
    [InlineData(1, Ads1115FullScale.PlusMinus6_144V, Ads1115DataRate.Sps8, 0xD103)]
    public void ConfigWordsFollowTheRegisterMap(int channel, Ads1115FullScale fullScale, Ads1115DataRate rate, int expected)
    {
        var adc = new Ads1115(Part(0, 0, 0), fullScale, rate);
        Assert.Equal(expected, adc.ConfigWord(channel));
    }

    [Fact]
    public void APolledSingleShotIsConfigWriteThenPollsThenACombinedConversionRead()
    {
        var i2c = Part(2, 0x12, 0x34);
        var adc = new Ads1115(i2c);
        var codes = new int[1];

        adc.ReadCodes([2], codes);

        Assert.Equal(0x1234, codes[0]);
        Assert.Equal(new byte[] { 0x01, 0xE5, 0x83 }, i2c.Log[0].Written);
        Assert.Equal(0, i2c.Log[0].ReadLength);
        for (var poll = 1; poll <= 3; poll++)
        {
            Assert.Equal(new byte[] { 0x01 }, i2c.Log[poll].Written);
            Assert.Equal(2, i2c.Log[poll].ReadLength);
        }

        Assert.Equal(new byte[] { 0x00 }, i2c.Log[4].Written);
        Assert.Equal(2, i2c.Log[4].ReadLength);
        Assert.Equal(5, i2c.Transactions);
    }

    [Fact]
    public void ConversionsAreTwosComplementBigEndian()
    {
        var codes = new int[1];
        new Ads1115(Part(0, 0xFF, 0xFE)).ReadCodes([0], codes);
        Assert.Equal(-2, codes[0]);
    }

    [Fact]
    public void AConversionThatNeverCompletesTimesOutNamingPartBusAndInput()
    {
        var adc = new Ads1115(Part(int.MaxValue, 0, 0), conversionTimeout: TimeSpan.FromMilliseconds(20));
        var error = Assert.Throws<AimcException>(() => adc.ReadCodes([2], new int[1]));
        Assert.StartsWith("ADS1115 at 0x48 on bus 1: conversion on AIN2 did not complete within 20 ms", error.Message);
    }

    [Fact]
    public void AConfigRegisterThatDoesNotReadBackIsAnotherDevice()
    {
        var i2c = new ScriptedI2c(At0x48OnBus1, (_, length) => Enumerable.Repeat((byte)0xFF, length).ToArray());
        var error = Assert.Throws<AimcException>(() => new Ads1115(i2c).ReadCodes([0], new int[1]));
        Assert.Contains("config register reads 0xFFFF", error.Message);
    }

    [Fact]
    public void TheReadyPinSetsThresholdsAndReplacesPolling()
    {
        var i2c = Part(int.MaxValue, 0x40, 0x00);
        var gpio = new ScriptedGpio();
        var adc = new Ads1115(i2c, gpio.Controller, readyPin: 17, Ads1115FullScale.PlusMinus6_144V, Ads1115DataRate.Sps860);
        var codes = new int[2];

        adc.ReadCodes([1, 3], codes);

        Assert.Equal(new byte[] { 0x03, 0x80, 0x00 }, i2c.Log[0].Written);
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00 }, i2c.Log[1].Written);
        Assert.Equal(PinMode.InputPullUp, gpio.Opened[17]);
        // COMP_QUE = 00: assert after one conversion.
        Assert.Equal(new byte[] { 0x01, 0xD1, 0xE0 }, i2c.Log[2].Written);
        Assert.Equal(new byte[] { 0x00 }, i2c.Log[3].Written);
        Assert.Equal(new byte[] { 0x01, 0xF1, 0xE0 }, i2c.Log[4].Written);
        Assert.Equal(["wait 17 Falling", "wait 17 Falling"], gpio.Log.Where(entry => entry.StartsWith("wait")));
        Assert.Equal(new[] { 0x4000, 0x4000 }, codes);
        Assert.Equal(3.072, adc.ToVolts(1, codes[0]), 12);

        // Per scan (after the one-time threshold setup): the datasheet minimum.
        Assert.Equal(2 + Ads1115.MinimumMessagesPerScan(2), i2c.Transactions);
        Assert.Equal(6 + Ads1115.MinimumBytesPerScan(2), i2c.BytesMoved);
    }

    [Fact]
    public void AReadyPinThatNeverFallsTimesOutNamingTheLine()
    {
        var gpio = new ScriptedGpio { EdgeArrives = (_, _) => false };
        var adc = new Ads1115(Part(0, 0, 0), gpio.Controller, 17, conversionTimeout: TimeSpan.FromMilliseconds(20));
        var error = Assert.Throws<AimcException>(() => adc.ReadCodes([2], new int[1]));
        Assert.StartsWith("ADS1115 at 0x48 on bus 1: conversion on AIN2 did not complete within 20 ms", error.Message);
        Assert.Contains("line 17 of /dev/gpiochip0", error.Message);
    }

    [Fact]
    public void CodesAtEitherRailAreFlagged()
    {
        var results = new Queue<byte[]>([[0x7F, 0xFF], [0x80, 0x00], [0x00, 0x10]]);
        var i2c = new ScriptedI2c(At0x48OnBus1, (written, length) =>
            length == 0 ? [] : written[0] == Ads1115.Config ? [0xE5, 0x83] : results.Dequeue());
        IAdc adc = new Ads1115(i2c);
        var codes = new int[3];
        var saturated = new bool[3];

        // The config read-back check compares against what was written: answer AIN2's word for all three reads.
        var count = adc.ReadCodes([2, 2, 2], codes, saturated);

        Assert.Equal(new[] { 32767, -32768, 16 }, codes);
        Assert.Equal(new[] { true, true, false }, saturated);
        Assert.Equal(2, count);
        Assert.Equal(2.048 * 16 / 32768, adc.ToVolts(2, 16), 12);
    }

    [Fact]
    public void TheDefaultTimeoutCoversTwoConversionPeriodsAndASchedulingMargin()
    {
        var adc = new Ads1115(Part(0, 0, 0), dataRate: Ads1115DataRate.Sps8);
        Assert.Equal(TimeSpan.FromMilliseconds(2 * 125 + 50), adc.ConversionTimeout);
    }
}
