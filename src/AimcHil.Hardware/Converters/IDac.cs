using UnitsNet;

namespace AimcHil.Hardware.Converters;

/// <summary>A multi-channel digital-to-analog converter: one channel or all of them at once (batched in one bus call),
/// with volts to codes against the configured reference. Disposing the driver disposes the SPI device it was given,
/// unless it was built with <c>shouldDispose: false</c>.</summary>
public interface IDac : IDisposable
{
    /// <summary>The part and where it sits, for messages, e.g. "AD5328 on /dev/spidev0.1".</summary>
    string Name { get; }

    int Channels { get; }

    int Bits { get; }

    /// <summary>The highest code, 2^bits − 1.</summary>
    int MaxCode { get; }

    /// <summary>The output a code of 2^bits would give (reference × gain); the largest output is one LSB below.</summary>
    double FullScaleVolts { get; }

    void Write(int channel, int code);

    /// <summary>Writes codes[n] to channel n for every channel given, in one bus message.</summary>
    void WriteAll(ReadOnlySpan<int> codes);

    /// <summary>The nearest code to <paramref name="volts"/>; outside 0 … full scale is an error, not a clamp.</summary>
    int ToCode(double volts);

    double ToVolts(int code);

    /// <summary>Sets one output to the nearest code to <paramref name="voltage"/>, as a dotnet/iot DAC binding's
    /// SetVoltage does; outside 0 … full scale is an error.</summary>
    void SetVoltage(int channel, ElectricPotential voltage) => Write(channel, ToCode(voltage.Volts));
}
