using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An MCP3008 (10 bits) at bit level; inputs 0 … VREF read from <c>inputs(channel)</c>.</summary>
public sealed class EmulatedMcp3008(SpiConnectionSettings settings, double referenceVolts, Func<int, double> inputs)
    : EmulatedMcp3x08("MCP3008", 10, settings, referenceVolts, inputs);
