using System.Device.Spi;
using AimcHil.Core;

namespace AimcHil.Hardware.Converters;

/// <summary>The argument checks every converter makes, worded the same way for every part.</summary>
public static class ConverterChecks
{
    public static void Channel(string name, int channel, int channels)
    {
        if ((uint)channel >= (uint)channels)
        {
            throw new AimcException($"{name}: channel {channel} does not exist (the part has channels 0..{channels - 1}); check the channel map in the rig file");
        }
    }

    public static void Scan(string name, ReadOnlySpan<int> channels, int codes, int count)
    {
        if (codes < channels.Length)
        {
            throw new ArgumentException($"{name}: {channels.Length} channels need room for {channels.Length} codes, got {codes}");
        }

        foreach (var channel in channels)
        {
            Channel(name, channel, count);
        }
    }

    public static void Code(string name, int channel, int code, int maxCode)
    {
        if ((uint)code > (uint)maxCode)
        {
            throw new AimcException($"{name}: code {code} for channel {channel} is outside 0..{maxCode}; check the DAC code mapping");
        }
    }

    public static void Positive(string name, string what, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new AimcException($"{name}: {what} must be a positive number of volts, got {value}; check the rig file");
        }
    }

    public static void Mode(string name, SpiConnectionSettings settings, params SpiMode[] allowed)
    {
        if (Array.IndexOf(allowed, settings.Mode) < 0)
        {
            throw new AimcException($"{name}: SPI {settings.Mode} does not match the part's clocking (use {string.Join(" or ", allowed)}); check the SPI mode in the rig file");
        }
    }

    public static void Clock(string name, SpiConnectionSettings settings, int maximumHz)
    {
        if (settings.ClockFrequency > maximumHz)
        {
            throw new AimcException($"{name}: SPI clock {settings.ClockFrequency} Hz is above the part's {maximumHz} Hz; lower the clock frequency in the rig file");
        }
    }

    /// <summary>Flags codes at the rails; returns how many.</summary>
    public static int Saturation(ReadOnlySpan<int> codes, Span<bool> saturated, int minCode, int maxCode)
    {
        if (saturated.Length < codes.Length)
        {
            throw new ArgumentException($"room for {codes.Length} saturation flags needed, got {saturated.Length}", nameof(saturated));
        }

        var count = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            saturated[i] = codes[i] <= minCode || codes[i] >= maxCode;
            count += saturated[i] ? 1 : 0;
        }

        return count;
    }

    /// <summary>Volts to the nearest code of a 0 … full-scale converter with 2^bits codes.</summary>
    public static int DacCode(string name, double volts, double fullScale, int maxCode)
    {
        var lsb = fullScale / (maxCode + 1);
        if (double.IsNaN(volts) || volts < -lsb / 2 || volts > fullScale)
        {
            throw new AimcException($"{name}: {volts} V is outside the output range 0..{fullScale - lsb:G6} V; check the reference voltage and gain settings or scale the input");
        }

        return Math.Clamp((int)Math.Round(volts / lsb), 0, maxCode);
    }
}
