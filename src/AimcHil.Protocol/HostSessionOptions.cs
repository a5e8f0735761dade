namespace AimcHil.Protocol;

/// <summary>Timeouts, retries and the sizes a <see cref="HostSession"/> offers in HELLO.</summary>
public sealed record HostSessionOptions
{
    /// <summary>How long to wait for an answer (or for transfer progress) before sending again.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Sends of one request (the first and its retries) before giving up with an error.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>How long a request may run once the device said it is working on it (PROGRAM with write-verify of
    /// a large tile takes seconds on an emulator and longer on hardware).</summary>
    public TimeSpan ExecuteTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxPayload { get; init; } = FrameCodec.DefaultMaxPayload;

    public ushort Window { get; init; } = 8;

    /// <summary>Requests this host keeps in flight at most when the rig offers PIPELINE (protocol 1.3): the next
    /// MVM's codes cross the line while the rig computes and answers the current one. 1: one at a time.</summary>
    public ushort PipelineDepth { get; init; } = 4;

    /// <summary>The highest minor protocol version this host offers in HELLO (a lower one makes it talk as an older
    /// host would, for compatibility tests and to work around a rig's faulty newer layouts).</summary>
    public byte MaxMinor { get; init; } = ProtocolVersion.Minor;

    /// <summary>How PROGRAM_CELLS (1.2) sends weight targets: 16-bit fixed point by default (finer than any device
    /// holds a weight), or f32 when a run must match an in-process run bit for bit.</summary>
    public TargetFormat TargetFormat { get; init; } = TargetFormat.Q14;

    /// <summary>The rig's shared secret (from the rig file's secret_file), for a rig whose HELLO asks for it.</summary>
    public byte[]? Secret { get; init; }
}
