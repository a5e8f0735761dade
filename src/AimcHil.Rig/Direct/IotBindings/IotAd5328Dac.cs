using System.Device.Spi;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using UnitsNet;
using IotAd5328 = Iot.Device.DAC.AD5328;

namespace AimcHil.Rig.Direct.IotBindings;

/// <summary>Iot.Device.Bindings' AD5328 as a rig's DAC (<c>part: iot:ad5328</c>): one SPI call per channel and no
/// control words (the part must be in LDAC mode 00 with gain 1 and VREF as reference, its power-on state).</summary>
public sealed class IotAd5328Dac : IDac
{
    private readonly IotAd5328 _binding;
    private readonly bool _shouldDispose;

    public IotAd5328Dac(SpiDevice spi, double referenceVolts, bool shouldDispose = true)
    {
        Name = $"AD5328 (Iot.Device.DAC binding) on {spi.ConnectionSettings.DevicePath}";
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode1, SpiMode.Mode2);
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 30_000_000);
        FullScaleVolts = referenceVolts;
        _binding = new IotAd5328(spi, ElectricPotential.FromVolts(referenceVolts), ElectricPotential.FromVolts(referenceVolts));
        _shouldDispose = shouldDispose;
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 12;

    public int MaxCode => 4095;

    public double FullScaleVolts { get; }

    /// <summary>The binding takes volts and scales by 4095 steps; handing it code × VREF / 4095 makes it send
    /// exactly <paramref name="code"/>.</summary>
    public void Write(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        ConverterChecks.Code(Name, channel, code, MaxCode);
        _binding.SetVoltage((ushort)channel, ElectricPotential.FromVolts(code * FullScaleVolts / MaxCode));
    }

    public void WriteAll(ReadOnlySpan<int> codes)
    {
        if (codes.Length > Channels)
        {
            throw new ArgumentException($"{Name}: {codes.Length} codes for {Channels} channels", nameof(codes));
        }

        for (var channel = 0; channel < codes.Length; channel++)
        {
            Write(channel, codes[channel]);
        }
    }

    public int ToCode(double volts) => ConverterChecks.DacCode(Name, volts, FullScaleVolts, MaxCode);

    public double ToVolts(int code) => code * FullScaleVolts / (MaxCode + 1);

    public void Dispose()
    {
        if (_shouldDispose)
        {
            _binding.Dispose();
        }
    }
}
