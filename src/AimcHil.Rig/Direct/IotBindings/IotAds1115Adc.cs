using System.Device.I2c;
using AimcHil.Core;
using AimcHil.Hardware.Converters;
using DataRate = Iot.Device.Ads1115.DataRate;
using DeviceMode = Iot.Device.Ads1115.DeviceMode;
using InputMultiplexer = Iot.Device.Ads1115.InputMultiplexer;
using IotAds1115 = Iot.Device.Ads1115.Ads1115;
using MeasuringRange = Iot.Device.Ads1115.MeasuringRange;

namespace AimcHil.Rig.Direct.IotBindings;

/// <summary>Iot.Device.Bindings' Ads1115 as a rig's ADC (<c>part: iot:ads1115</c>): single shots of AINn against GND
/// at 128 samples per second, completion polled on the OS bit as the binding does (it has no wait on ALERT/RDY).</summary>
public sealed class IotAds1115Adc : IAdc
{
    private readonly IotAds1115 _binding;
    private readonly MeasuringRange _range;
    private readonly bool _shouldDispose;

    /// <param name="fullScaleVolts">The PGA's ± full scale: 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256.</param>
    public IotAds1115Adc(I2cDevice i2c, double fullScaleVolts, bool shouldDispose = true)
    {
        var settings = i2c.ConnectionSettings;
        Name = $"ADS1115 (Iot.Device.Ads1115 binding) at 0x{settings.DeviceAddress:X2} on bus {settings.BusId}";
        _range = fullScaleVolts switch
        {
            6.144 => MeasuringRange.FS6144,
            4.096 => MeasuringRange.FS4096,
            2.048 => MeasuringRange.FS2048,
            1.024 => MeasuringRange.FS1024,
            0.512 => MeasuringRange.FS0512,
            0.256 => MeasuringRange.FS0256,
            _ => throw new AimcException($"{Name}: full scale ±{fullScaleVolts} V: the PGA gives 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256"),
        };
        FullScaleVolts = fullScaleVolts;
        _binding = new IotAds1115(i2c, InputMultiplexer.AIN0, _range, DataRate.SPS128, DeviceMode.PowerDown);
        _shouldDispose = shouldDispose;
    }

    public string Name { get; }

    public int Channels => 4;

    public int Bits => 16;

    public int MinCode => short.MinValue;

    public int MaxCode => short.MaxValue;

    public double FullScaleVolts { get; }

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        for (var i = 0; i < channels.Length; i++)
        {
            try
            {
                codes[i] = _binding.ReadRaw(InputMultiplexer.AIN0 + channels[i], _range, DataRate.SPS128);
            }
            catch (TimeoutException)
            {
                throw new AimcException($"{Name}: conversion on AIN{channels[i]} did not complete within the binding's 10 ms; check the part's supply and that nothing else answers at its address");
            }
        }
    }

    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        return code * FullScaleVolts / 32768.0;
    }

    public void Dispose()
    {
        if (_shouldDispose)
        {
            _binding.Dispose();
        }
    }
}
