using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>A chip behind a rig that speaks the firmware protocol: the chip contract as requests over a
/// <see cref="HostSession"/>.</summary>
/// <remarks>
/// It keeps a shadow of what it programmed into every tile (the full tile's targets, with masked updates merged in,
/// and the last write-verify options), so when a HELLO shows that the rig reset and lost its weights, every tile is
/// programmed again before the interrupted request goes on.
/// <para>With a 1.2 rig, codes travel at their bit width, a masked PROGRAM sends only the cells it rewrites, and the
/// rig answers PROGRAM with a short report unless <see cref="ProgrammingDetail.PerWeight"/> is asked for; the column
/// scales of the last MVM of each tile are kept, so the rig sends them again only when they change.</para>
/// </remarks>
public sealed class ProtocolChip : IAimcChip, IReseedableChip, ILinkedChip, IDetailedProgrammingChip
{
    private readonly Dictionary<int, TileShadow> _shadows = [];
    private readonly Dictionary<int, HeldScales> _scales = [];

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

    /// <summary>Programs and answers with the short report from a 1.2 rig (totals, pulse histogram, unconverged
    /// weights; the per-weight grids null), the full one from an older rig.</summary>
    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null) =>
        Program(tile, targets, options, only, ProgrammingDetail.Summary);

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only, ProgrammingDetail detail)
    {
        if (Session.Minor < 2)
        {
            var answer = Session.Request(Opcode.Program, new ProgramRequest(tile, targets, options, only).Encode());
            var full = ProgrammingReportLayout.Decode(answer);
            Remember(tile, targets, options, only);
            return full;
        }

        var request = ProgramCellsRequest.For(tile, targets, options, only, Session.Options.TargetFormat, detail);
        var report = ProgrammingSummaryLayout.Decode(Session.Request(Opcode.ProgramCells, request.Encode()));
        // The shadow holds what the rig was sent, so a reset restores the same weights.
        Remember(tile, request.Format == TargetFormat.Q14 ? Rounded(targets) : targets, options, only);
        return report;
    }

    /// <summary>Every tile's PROGRAM in flight at once up to the rig's pipeline depth (protocol 1.3), short reports
    /// from a 1.2 rig; each tile's shadow is updated as its answer arrives, so a reset in the middle restores what the
    /// rig had already programmed.</summary>
    public IReadOnlyList<ProgrammingReport> Program(IReadOnlyList<TileProgramming> programs)
    {
        if (Session.Minor < 2)
        {
            return [.. programs.Select(p => Program(p.Tile, p.Targets, p.Options, p.Only))];
        }

        var requests = programs.Select(p => ProgramCellsRequest.For(p.Tile, p.Targets, p.Options, p.Only, Session.Options.TargetFormat, ProgrammingDetail.Summary)).ToArray();
        var reports = new ProgrammingReport[programs.Count];
        Session.Requests(
            [.. requests.Select(r => (Opcode.ProgramCells, r.Encode()))],
            (i, answer) =>
            {
                reports[i] = ProgrammingSummaryLayout.Decode(answer);
                var p = programs[i];
                Remember(p.Tile, requests[i].Format == TargetFormat.Q14 ? Rounded(p.Targets) : p.Targets, p.Options, p.Only);
            });
        return reports;
    }

    public DeviceStates ReadBack(int tile) =>
        DeviceStatesLayout.Decode(Session.Request(Opcode.ReadBack, new PayloadWriter(4).I32(tile).ToArray()));

    public MvmResult Mvm(int tile, Grid<int> inputCodes) => Mvm([new TileMvm(tile, inputCodes)])[0];

    /// <summary>Every MVM in flight at once up to the rig's pipeline depth (protocol 1.3), else one after another; a
    /// column range is cut from the whole tile's answer (the protocol carries every column).</summary>
    public IReadOnlyList<MvmResult> Mvm(IReadOnlyList<TileMvm> mvms)
    {
        MvmResult[] results;
        if (Session.Minor < 2)
        {
            var plain = Session.Requests([.. mvms.Select(m => (Opcode.Mvm, new MvmRequest(m.Tile, m.InputCodes).Encode()))]);
            results = [.. plain.Select(MvmResultLayout.Decode)];
        }
        else
        {
            // Scales held before the batch: a tile twice in one batch gets its scales in both answers, which is correct.
            var held = mvms.Select(m => _scales.GetValueOrDefault(m.Tile)).ToArray();
            var answers = Session.Requests([.. mvms.Select((m, i) => (Opcode.MvmPacked, MvmPackedRequest.For(m.Tile, m.InputCodes, held[i]?.Crc ?? 0, Info.DacBits).Encode()))]);
            results = [.. answers.Select((answer, i) => Unpack(mvms[i].Tile, held[i], answer))];
        }

        return [.. results.Select((r, i) => mvms[i].Columns is { } columns ? r.Columns(columns) : r)];
    }

    /// <summary>An MVM_PACKED answer as a result, the column scales taken from the held copy when the rig left them out.</summary>
    private MvmResult Unpack(int tile, HeldScales? held, byte[] answer)
    {
        MvmPackedResult decoded;
        try
        {
            decoded = MvmPackedResultLayout.Decode(answer, crc => held is not null && held.Crc == crc ? (held.MacPerCode, held.MacOffset) : null);
        }
        catch (MalformedPayloadException e)
        {
            throw new AimcException($"rig on {Session.Port} sent a malformed MVM_PACKED answer: {e.Message}");
        }

        var result = decoded.Result;
        if (decoded.ScalesSent)
        {
            _scales[tile] = new HeldScales(decoded.ScalesCrc, result.MacPerCode, result.MacOffset);
        }

        // Each result gets its own scale arrays: a caller may scale them in place.
        return result with { MacPerCode = (double[])result.MacPerCode.Clone(), MacOffset = (double[])result.MacOffset.Clone() };
    }

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
            if (Session.Minor < 2)
            {
                Session.Request(Opcode.Program, new ProgramRequest(tile, shadow.Targets, shadow.Options, null).Encode());
            }
            else
            {
                Session.Request(Opcode.ProgramCells, ProgramCellsRequest.For(tile, shadow.Targets, shadow.Options, null, Session.Options.TargetFormat, ProgrammingDetail.Summary).Encode());
            }

            Reprograms++;
        }
    }

    private static Grid<float> Rounded(Grid<float> targets)
    {
        var rounded = new Grid<float>(targets.Rows, targets.Cols);
        for (var k = 0; k < rounded.Data.Length; k++)
        {
            rounded.Data[k] = ProgramCellsRequest.Q14(targets.Data[k]);
        }

        return rounded;
    }

    /// <summary>The column scales of a tile's last MVM answer that carried them, and their CRC.</summary>
    private sealed record HeldScales(uint Crc, double[] MacPerCode, double[] MacOffset);

    /// <summary>What a tile should hold, as the host last programmed it.</summary>
    private sealed class TileShadow(Grid<float> targets, WriteVerifyOptions options)
    {
        public Grid<float> Targets { get; } = targets;

        public WriteVerifyOptions Options { get; set; } = options;
    }
}
