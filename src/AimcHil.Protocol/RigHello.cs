namespace AimcHil.Protocol;

/// <summary>The rig's answer to HELLO: who it is, what it accepts, what it can do, and how often it has booted.</summary>
/// <param name="FirmwareVersion">major &lt;&lt; 16 | minor &lt;&lt; 8 | patch.</param>
/// <param name="MaxPayload">Largest payload the device accepts and sends, after taking the host's offer into account.</param>
/// <param name="Window">DATA frames a sender may have in flight, after taking the host's offer into account.</param>
/// <param name="BootCounter">Incremented at every boot; a change between two HELLOs means the rig reset and lost its weights.</param>
/// <remarks>Protocol 1.1 appends, after the firmware name, the <see cref="RigLimits"/> when <see cref="Capabilities"/>
/// has LIMITS, then the 32-byte challenge nonce when it has AUTH; protocol 1.3 then the u16 pipeline depth when it has
/// PIPELINE. Without those bits the layout is 1.0's.</remarks>
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
    /// <summary>The rig's request limits (capability LIMITS), or null from a 1.0 rig.</summary>
    public RigLimits? Limits { get; init; }

    /// <summary>The nonce the host must answer with AUTH (capability AUTH), fresh for every HELLO.</summary>
    public byte[]? Challenge { get; init; }

    /// <summary>Requests the host may have in flight at once (capability PIPELINE, at least 2), or null: one at a time.</summary>
    public ushort? PipelineDepth { get; init; }

    public string FirmwareVersionText => $"{FirmwareVersion >> 16}.{(FirmwareVersion >> 8) & 0xFF}.{FirmwareVersion & 0xFF}";

    public byte[] Encode()
    {
        var w = new PayloadWriter(34 + Firmware.Length + RigLimits.EncodedSize + RigAuthentication.NonceBytes)
            .U8(Major).U8(Minor).U16(Window).U32(MaxPayload).U32(FirmwareVersion).U32(SchemaHash)
            .U32((uint)Capabilities).U32(BootCounter).Str(Firmware);
        if (Capabilities.HasFlag(Capabilities.Limits))
        {
            (Limits ?? throw new InvalidOperationException("capability LIMITS without limits")).Write(w);
        }

        if (Capabilities.HasFlag(Capabilities.Auth))
        {
            var nonce = Challenge ?? throw new InvalidOperationException("capability AUTH without a challenge");
            w.Bytes(nonce.AsSpan(0, RigAuthentication.NonceBytes));
        }

        if (Capabilities.HasFlag(Capabilities.Pipeline))
        {
            w.U16(PipelineDepth ?? throw new InvalidOperationException("capability PIPELINE without a depth"));
        }

        return w.ToArray();
    }

    public static RigHello Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var hello = new RigHello(r.U8(), r.U8(), r.U16(), r.U32(), r.U32(), r.U32(), (Capabilities)r.U32(), r.U32(), r.Str());
        if (hello.Capabilities.HasFlag(Capabilities.Limits))
        {
            hello = hello with { Limits = RigLimits.Read(r) };
        }

        if (hello.Capabilities.HasFlag(Capabilities.Auth))
        {
            hello = hello with { Challenge = r.Fixed(RigAuthentication.NonceBytes) };
        }

        if (hello.Capabilities.HasFlag(Capabilities.Pipeline))
        {
            var depth = r.U16();
            if (depth < 2)
            {
                throw new MalformedPayloadException($"a pipeline depth of {depth}: PIPELINE means at least 2 requests in flight");
            }

            hello = hello with { PipelineDepth = depth };
        }

        r.End();
        return hello;
    }
}
