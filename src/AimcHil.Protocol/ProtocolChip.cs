using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>A chip behind a rig that speaks the firmware protocol: the chip contract as requests over a
/// <see cref="HostSession"/>.</summary>
/// <remarks>
/// It keeps a shadow of what it programmed into every tile (the full tile's targets, with masked updates merged in,
/// and the last write-verify options), so when a HELLO shows that the rig reset and lost its weights, every tile is
/// programmed again before the interrupted request goes on.
/// </remarks>
public sealed class ProtocolChip : IAimcChip, IReseedableChip, ILinkedChip
{
    private readonly Dictionary<int, TileShadow> _shadows = [];

    public ProtocolChip(HostSession session)
    {
        Session = session;
        var rig = session.Rig ?? session.Handshake();
        var info = ChipInfoLayout.Decode(session.Request(Opcode.GetInfo, []));
        Info = info with { Transport = session.Port };
        Clock = new ProtocolClock(session, rig.Capabilities.HasFlag(Capabilities.VirtualClock));
        session.RigReset += Restore;
    }

    public HostSession Session { get; }

    public ChipInfo Info { get; }

    public IChipClock Clock { get; }

    /// <summary>Whether the rig advertised RESEED (emulators do, hardware does not).</summary>
    public bool CanReseed => Session.Rig!.Capabilities.HasFlag(Capabilities.Reseed);

    /// <summary>Tiles programmed again from the shadow after rig resets.</summary>
    public long Reprograms { get; private set; }

    public LinkStatistics Link => new(Session.Counters.Requests, Session.Counters.Retries, Session.Counters.DroppedFrames, Session.Counters.ResetsDetected, Reprograms);

    /// <summary>Opens a session on <paramref name="stream"/>, greets the rig and reads what chip it holds.</summary>
    public static ProtocolChip Open(Stream stream, string port, HostSessionOptions? options = null)
    {
        var session = new HostSession(stream, port, options);
        try
        {
            return new ProtocolChip(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        var answer = Session.Request(Opcode.Program, new ProgramRequest(tile, targets, options, only).Encode());
        var report = ProgrammingReportLayout.Decode(answer);
        Remember(tile, targets, options, only);
        return report;
    }

    public DeviceStates ReadBack(int tile) =>
        DeviceStatesLayout.Decode(Session.Request(Opcode.ReadBack, new PayloadWriter(4).I32(tile).ToArray()));

    public MvmResult Mvm(int tile, Grid<int> inputCodes) =>
        MvmResultLayout.Decode(Session.Request(Opcode.Mvm, new MvmRequest(tile, inputCodes).Encode()));

    public void Reseed(ulong seed)
    {
        if (!CanReseed)
        {
            throw new AimcException($"rig on {Session.Port} cannot be reseeded: it is hardware (firmware '{Session.Rig!.Firmware}' does not advertise RESEED)");
        }

        Session.Request(Opcode.Reseed, new PayloadWriter(8).U64(seed).ToArray());
    }

    public void Dispose()
    {
        Session.RigReset -= Restore;
        Session.Dispose();
    }

    /// <summary>Merges what a successful PROGRAM wrote into the tile's shadow (the chip zeroes what a smaller grid
    /// does not cover, and keeps what a mask leaves out).</summary>
    private void Remember(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only)
    {
        if (!_shadows.TryGetValue(tile, out var shadow) || only is null)
        {
            shadow = new TileShadow(new Grid<float>(Info.Rows, Info.Cols), options);
            _shadows[tile] = shadow;
        }

        for (var r = 0; r < targets.Rows; r++)
        {
            for (var c = 0; c < targets.Cols; c++)
            {
                if (only is null || only[r, c])
                {
                    shadow.Targets[r, c] = targets[r, c];
                }
            }
        }

        shadow.Options = options;
    }

    private void Restore(RigHello rig)
    {
        foreach (var (tile, shadow) in _shadows.OrderBy(p => p.Key))
        {
            Session.Request(Opcode.Program, new ProgramRequest(tile, shadow.Targets, shadow.Options, null).Encode());
            Reprograms++;
        }
    }

    /// <summary>What a tile should hold, as the host last programmed it.</summary>
    private sealed class TileShadow(Grid<float> targets, WriteVerifyOptions options)
    {
        public Grid<float> Targets { get; } = targets;

        public WriteVerifyOptions Options { get; set; } = options;
    }
}
