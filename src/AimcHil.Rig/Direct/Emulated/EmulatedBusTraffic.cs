namespace AimcHil.Rig.Direct.Emulated;

/// <summary>What the host sent one emulated part: bus calls (SPI messages or I2C transactions) and bytes clocked.</summary>
/// <param name="Device">Where it sits: /dev/spidevB.C or /dev/i2c-N@0xAA.</param>
/// <param name="Part">TC1, AD5676, AD7606, ….</param>
public sealed record EmulatedBusTraffic(string Device, string Part, long Messages, long Bytes);
