using System.Device.Spi;

namespace AimcHil.Hardware.Converters;

/// <summary>Microchip MCP3008, 10 bits: TX [01, 80 | n&lt;&lt;4, 00] (start, SGL, D2..D0); code = (rx1 &amp; 03) &lt;&lt; 8 | rx2,
/// null bit rx1 bit 2.</summary>
public sealed class Mcp3008 : Mcp3x08
{
    public Mcp3008(SpiDevice spi, double referenceVolts = 3.3, bool shouldDispose = true)
        : base(spi, referenceVolts, "MCP3008", 10, shouldDispose)
    {
    }

    private protected override void Command(int channel, Span<byte> tx)
    {
        tx[0] = 0x01;
        tx[1] = (byte)(0x80 | (channel << 4));
        tx[2] = 0x00;
    }
}
