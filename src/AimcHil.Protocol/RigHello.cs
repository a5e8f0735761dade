namespace AimcHil.Protocol;

/// <summary>The rig's answer to HELLO: who it is, what it accepts, what it can do, and how often it has booted.</summary>
/// <param name="FirmwareVersion">major &lt;&lt; 16 | minor &lt;&lt; 8 | patch.</param>
/// <param name="MaxPayload">Largest payload the device accepts and sends, after taking the host's offer into account.</param>
/// <param name="Window">DATA frames a sender may have in flight, after taking the host's offer into account.</param>
/// <param name="BootCounter">Incremented at every boot; a change between two HELLOs means the rig reset and lost its weights.</param>
public sealed record RigHello(
    byte Major,
    byte Minor,
    ushort Window,
    uint MaxPayload,
    uint FirmwareVersion,
    uint SchemaHash,
    Capabilities Capabilities,
    uint BootCounter,
    string Firmware)
{
    public string FirmwareVersionText => $"{FirmwareVersion >> 16}.{(FirmwareVersion >> 8) & 0xFF}.{FirmwareVersion & 0xFF}";

    public byte[] Encode() => new PayloadWriter(32 + Firmware.Length)
        .U8(Major).U8(Minor).U16(Window).U32(MaxPayload).U32(FirmwareVersion).U32(SchemaHash)
        .U32((uint)Capabilities).U32(BootCounter).Str(Firmware).ToArray();

    public static RigHello Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var hello = new RigHello(r.U8(), r.U8(), r.U16(), r.U32(), r.U32(), r.U32(), (Capabilities)r.U32(), r.U32(), r.Str());
        r.End();
        return hello;
    }
}
