namespace AimcHil.Protocol;

/// <summary>How a <see cref="DeviceServer"/> presents itself: what firmware would put in its HELLO answer.</summary>
public sealed record DeviceServerOptions
{
    /// <summary>The boot counter a real rig keeps in non-volatile memory; a restarted virtual rig passes a larger one.</summary>
    public uint BootCounter { get; init; } = 1;

    /// <summary>major &lt;&lt; 16 | minor &lt;&lt; 8 | patch.</summary>
    public uint FirmwareVersion { get; init; } = 0x010000;

    public string Firmware { get; init; } = "aimc-hil virtual rig";

    /// <summary>The highest minor protocol version this rig speaks: a lower one serves as firmware of that version
    /// does (its HELLO answer, its opcodes), for compatibility tests.</summary>
    public byte MaxMinor { get; init; } = ProtocolVersion.Minor;

    /// <summary>Largest payload offered in HELLO; the smaller of this and the host's offer is used.</summary>
    public int MaxPayload { get; init; } = FrameCodec.DefaultMaxPayload;

    /// <summary>DATA frames in flight offered in HELLO.</summary>
    public ushort Window { get; init; } = 8;

    /// <summary>Requests a 1.3 host may have in flight at once (capability PIPELINE), and so the answers this rig
    /// caches; 1 turns pipelining off. Each cached answer may hold a bulk object, so this multiplies the RAM an
    /// answer needs.</summary>
    public ushort PipelineDepth { get; init; } = 4;

    /// <summary>Largest bulk object accepted (the device's RAM for a weight matrix or an MVM batch).</summary>
    public int MaxObjectBytes { get; init; } = 64 << 20;

    /// <summary>The most input vectors one MVM may carry: what bounds an MVM's memory and time, since a narrow tile's
    /// codes fit millions of vectors into one object (the emulator's work per vector is far larger than its codes).</summary>
    public int MaxMvmBatch { get; init; } = 65536;

    /// <summary>The largest write-verify pulse budget per device one PROGRAM may ask for (advertised in HELLO). A chip
    /// operation cannot be aborted, so this is what bounds a PROGRAM's run time.</summary>
    public int MaxPulsesPerCell { get; init; } = 1000;

    /// <summary>A host that sends no complete frame for this long is dropped (advertised in HELLO);
    /// <see cref="Timeout.InfiniteTimeSpan"/>: never.</summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The shared secret a host must prove it holds (protocol 1.1 AUTH); null: no authentication.</summary>
    public byte[]? Secret { get; init; }

    /// <summary>Names the host in log lines, e.g. "127.0.0.1:43210".</summary>
    public string HostName { get; init; } = "host";

    /// <summary>Receives one line per event worth a bench log (a refused host, what was programmed); null: silent.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Whether to send the BOOT event when the server starts, as firmware does after a reset.</summary>
    public bool AnnounceBoot { get; init; } = true;
}
