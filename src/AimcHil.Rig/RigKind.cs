namespace AimcHil.Rig;

/// <summary>How a rig file reaches its chip.</summary>
public enum RigKind
{
    /// <summary>The in-process emulator with the file's preset.</summary>
    Emulator,

    /// <summary>A bridge speaking the firmware protocol on a serial port (a USB bridge, or the virtual rig's pseudo-terminal).</summary>
    Serial,

    /// <summary>A bridge speaking the firmware protocol on a TCP socket (the virtual rig served with <c>aimc emulate --tcp</c>).</summary>
    Tcp,

    /// <summary>A Linux board driving a TC1 test chip directly: SPI, GPIO and I2C, DACs and ADCs (hil-rigs/direct-tc1.md).</summary>
    Direct,
}
