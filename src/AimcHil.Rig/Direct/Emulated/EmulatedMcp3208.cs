using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An MCP3208 (12 bits) at bit level; inputs 0 … VREF read from <c>inputs(channel)</c>.</summary>
public sealed class EmulatedMcp3208(SpiConnectionSettings settings, double referenceVolts, Func<int, double> inputs)
    : EmulatedMcp3x08("MCP3208", 12, settings, referenceVolts, inputs);
