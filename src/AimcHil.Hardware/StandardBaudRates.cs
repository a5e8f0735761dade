namespace AimcHil.Hardware;

/// <summary>The baud rates termios names with a Bxxx constant (asm-generic/termbits.h); any other rate goes
/// through termios2 and BOTHER.</summary>
internal static class StandardBaudRates
{
    private static readonly Dictionary<int, uint> Codes = new()
    {
        [50] = 0x1, [75] = 0x2, [110] = 0x3, [134] = 0x4, [150] = 0x5, [200] = 0x6, [300] = 0x7, [600] = 0x8,
        [1200] = 0x9, [1800] = 0xa, [2400] = 0xb, [4800] = 0xc, [9600] = 0xd, [19200] = 0xe, [38400] = 0xf,
        [57600] = 0x1001, [115200] = 0x1002, [230400] = 0x1003, [460800] = 0x1004, [500000] = 0x1005,
        [576000] = 0x1006, [921600] = 0x1007, [1000000] = 0x1008, [1152000] = 0x1009, [1500000] = 0x100a,
        [2000000] = 0x100b, [2500000] = 0x100c, [3000000] = 0x100d, [3500000] = 0x100e, [4000000] = 0x100f,
    };

    /// <summary>The Bxxx code of a rate, or null when the rate has none.</summary>
    public static uint? CodeOf(int baudRate) => Codes.TryGetValue(baudRate, out var code) ? code : null;
}
