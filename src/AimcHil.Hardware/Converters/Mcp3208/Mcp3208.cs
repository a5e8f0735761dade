using System.Device.Spi;

namespace AimcHil.Hardware.Converters;

/// <summary>Microchip MCP3208, 12 bits: TX [06 | n&gt;&gt;2, (n &amp; 3) &lt;&lt; 6, 00] (start, SGL, D2 | D1, D0);
/// code = (rx1 &amp; 0F) &lt;&lt; 8 | rx2, null bit rx1 bit 4.</summary>
public sealed class Mcp3208 : Mcp3x08
{
    public Mcp3208(SpiDevice spi, double referenceVolts = 3.3, bool shouldDispose = true)
        : base(spi, referenceVolts, "MCP3208", 12, shouldDispose)
    {
    }

    private protected override void Command(int channel, Span<byte> tx)
    {
        tx[0] = (byte)(0x06 | (channel >> 2));
        tx[1] = (byte)((channel & 3) << 6);
        tx[2] = 0x00;
    }
}
