using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using IotMcp3008 = Iot.Device.Adc.Mcp3008;

namespace AimcHil.Rig.Direct.IotBindings;

/// <summary>Iot.Device.Bindings' Mcp3008 as a rig's ADC (<c>part: iot:mcp3008</c>): the same frames as our MCP3008
/// driver, sent one SPI call per channel, so a rig can use the binding and <c>aimc bench direct</c> can show what that
/// costs.</summary>
public sealed class IotMcp3008Adc : IAdc
{
    private readonly IotMcp3008 _binding;
    private readonly double _referenceVolts;
    private readonly bool _shouldDispose;

    public IotMcp3008Adc(SpiDevice spi, double referenceVolts = 3.3, bool shouldDispose = true)
    {
        Name = $"MCP3008 (Iot.Device.Adc binding) on {spi.ConnectionSettings.DevicePath}";
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode0, SpiMode.Mode3);
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 3_600_000);
        _binding = new IotMcp3008(spi);
        _referenceVolts = referenceVolts;
        _shouldDispose = shouldDispose;
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 10;

    public int MinCode => 0;

    public int MaxCode => 1023;

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        for (var i = 0; i < channels.Length; i++)
        {
            try
            {
                codes[i] = _binding.Read(channels[i]);
            }
            catch (InvalidOperationException e)
            {
                // The binding's words for a 1 in the null bit; ours say what to check.
                throw new AimcException($"{Name}: channel {channels[i]}: {e.Message}: MISO is not driven by the part: check its supply, the DOUT wire and the chip-select line");
            }
        }
    }

    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        return code * _referenceVolts / 1024;
    }

    public void Dispose()
    {
        if (_shouldDispose)
        {
            _binding.Dispose();
        }
    }
}
