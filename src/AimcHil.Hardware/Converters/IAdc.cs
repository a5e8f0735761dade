using UnitsNet;

namespace AimcHil.Hardware.Converters;

/// <summary>An analog-to-digital converter read in scans: a list of channels converted and read in as few bus calls as
/// the part allows, with codes at either rail flagged so a caller can report clipped outputs. Disposing the driver
/// disposes the bus devices it was given, unless it was built with <c>shouldDispose: false</c> (as dotnet/iot
/// bindings do).</summary>
public interface IAdc : IDisposable
{
    /// <summary>The part and where it sits, for messages, e.g. "MCP3008 on /dev/spidev0.0".</summary>
    string Name { get; }

    int Channels { get; }

    int Bits { get; }

    /// <summary>The lowest code the part returns (the negative rail: 0 for straight binary, −2^(bits−1) for two's complement).</summary>
    int MinCode { get; }

    /// <summary>The highest code the part returns (the positive rail).</summary>
    int MaxCode { get; }

    /// <summary>Converts and reads <paramref name="channels"/> as one scan; codes[i] is the code of channels[i].</summary>
    void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes);

    /// <summary>As <see cref="ReadCodes(ReadOnlySpan{int}, Span{int})"/>, and flags each code at a rail (the input may be
    /// beyond the range, so the code is a bound, not a measurement); returns how many were flagged.</summary>
    int ReadCodes(ReadOnlySpan<int> channels, Span<int> codes, Span<bool> saturated)
    {
        ReadCodes(channels, codes);
        return ConverterChecks.Saturation(codes[..channels.Length], saturated, MinCode, MaxCode);
    }

    /// <summary>A code at either rail.</summary>
    bool IsSaturated(int code) => code <= MinCode || code >= MaxCode;

    /// <summary>The input voltage a code stands for, with the range configured for <paramref name="channel"/>.</summary>
    double ToVolts(int channel, int code);

    /// <summary>Converts one channel and returns its input voltage, as a dotnet/iot binding's ReadVoltage does.</summary>
    ElectricPotential ReadVoltage(int channel)
    {
        Span<int> code = stackalloc int[1];
        ReadCodes([channel], code);
        return ElectricPotential.FromVolts(ToVolts(channel, code[0]));
    }
}
