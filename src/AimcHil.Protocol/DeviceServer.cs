// One piece: the device end of the protocol as one reactive state machine, as the firmware's session is. Every frame
// handler (HELLO, AUTH, bulk BEGIN/DATA/COMMIT, ACK, requests, replays from the response cache) reads and changes the
// same session state, and the dispatch to the chip with its bounds checks is the one place the NAK codes of PROTOCOL.md
// are chosen (firmware src/requests.c mirrors it).

using System.Diagnostics;
using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>The device side of the protocol: serves any <see cref="IAimcChip"/> over a byte stream, as rig firmware
/// does. The emulator served this way is the virtual rig.</summary>
/// <remarks>
/// Purely reactive (it never needs a timer, like the firmware it stands for): it answers frames as they arrive. The
/// last response (the last pipeline-depth responses in a 1.3 session) is cached with its request's sequence number,
/// opcode and payload CRC, so a retried request is answered from the cache and the chip never draws noise twice for
/// one request.
/// A host that goes away, stops reading or stays idle ends its session (<see cref="Run"/> returns why), never the
/// process serving it; every request is bounded by the limits of <see cref="DeviceServerOptions"/>.
/// </remarks>
public sealed class DeviceServer
{
    private readonly IAimcChip _chip;
    private readonly Stream _stream;
    private readonly DeviceServerOptions _options;
    private readonly FrameDecoder _decoder;
    private bool _helloSeen;
    private byte _minor;
    private int _maxPayload;
    private ushort _window;
    private readonly ResponseCache _cache = new();
    private readonly List<Upload> _uploads = [];
    private int _depth = 1;
    private bool _authenticated;
    private byte[]? _helloAnswer;
    private byte[]? _challenge;
    private SessionEnd? _ended;

    public DeviceServer(IAimcChip chip, Stream stream, DeviceServerOptions? options = null)
    {
        _chip = chip;
        _stream = stream;
        _options = options ?? new DeviceServerOptions();
        if (_options.MaxMinor > ProtocolVersion.Minor || (_options.Secret is not null && _options.MaxMinor < 1))
        {
            throw new ArgumentException($"a rig speaks protocol {ProtocolVersion.Major}.0 to {ProtocolVersion.Major}.{ProtocolVersion.Minor}, and needs 1.1 or later for a shared secret; not {ProtocolVersion.Major}.{_options.MaxMinor}", nameof(options));
        }

        _decoder = new FrameDecoder(_options.MaxPayload);
        _maxPayload = _options.MaxPayload;
        _window = _options.Window;
    }

    public DeviceServerCounters Counters { get; } = new();

    public Capabilities Capabilities =>
        (_chip is IReseedableChip { CanReseed: true } ? Capabilities.Reseed : Capabilities.None) |
        (_chip.Clock.IsVirtual ? Capabilities.VirtualClock : Capabilities.None);

    /// <summary>The limits this server advertises in HELLO and enforces.</summary>
    public RigLimits Limits => new(
        (uint)_options.MaxPulsesPerCell,
        _options.IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (uint)_options.IdleTimeout.TotalMilliseconds,
        (uint)_options.MaxObjectBytes);

    /// <summary>How often <see cref="Run"/> looks at its cancellation token and idle clock while the line is quiet.</summary>
    private const int CancellationPollMs = 50;

    /// <summary>Serves until the stream ends or <paramref name="cancellation"/> fires.</summary>
    /// <remarks>A stream's asynchronous read may hold a pool thread while it waits; a process that serves several
    /// rigs, or does other work on the pool, serves with <see cref="Run"/> on a thread of its own.</remarks>
    public async Task RunAsync(CancellationToken cancellation = default)
    {
        if (_options.AnnounceBoot)
        {
            // A leading delimiter ends whatever half frame the line held before the reset.
            await _stream.WriteAsync(new byte[] { 0 }, cancellation).ConfigureAwait(false);
            AnnounceBoot();
        }

        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer, cancellation).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                Accept(buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // The host went away: its session is over, the server is not.
        }
    }

    /// <summary>Serves on the calling thread until the host goes away, stays idle past the idle timeout, fails
    /// authentication, or <paramref name="cancellation"/> fires (noticed within 50 ms on a stream with read timeouts,
    /// whose ReadTimeout it sets for that). Never throws for anything the host does.</summary>
    public SessionEnd Run(CancellationToken cancellation = default)
    {
        var idle = _options.IdleTimeout;
        if (_stream.CanTimeout && (cancellation.CanBeCanceled || idle != Timeout.InfiniteTimeSpan))
        {
            _stream.ReadTimeout = CancellationPollMs;
        }

        if (_stream.CanTimeout && idle != Timeout.InfiniteTimeSpan)
        {
            // A host that stops reading would block every answer forever: it gets as long as an idle one.
            _stream.WriteTimeout = (int)Math.Min(idle.TotalMilliseconds, int.MaxValue);
        }

        var buffer = new byte[16384];
        try
        {
            if (_options.AnnounceBoot)
            {
                _stream.Write([0]);
                AnnounceBoot();
            }

            // Idle is measured from the last complete frame, so half a frame, or a trickle of bytes, does not count.
            var lastFrame = Stopwatch.GetTimestamp();
            while (!cancellation.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = _stream.Read(buffer);
                }
                catch (TimeoutException)
                {
                    n = -1;
                }

                if (n == 0)
                {
                    return SessionEnd.Closed;
                }

                if (n > 0 && Accept(buffer.AsSpan(0, n)) > 0)
                {
                    lastFrame = Stopwatch.GetTimestamp();
                }

                if (_ended is { } ended)
                {
                    return ended;
                }

                if (idle != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(lastFrame) > idle)
                {
                    return SessionEnd.Idle;
                }
            }

            return SessionEnd.Stopped;
        }
        catch (ObjectDisposedException)
        {
            return SessionEnd.Closed;
        }
        catch (IOException e)
        {
            LostBecause = e.Message;
            return SessionEnd.Lost;
        }
        catch (TimeoutException)
        {
            LostBecause = $"it read nothing for {idle.TotalSeconds:0.#} s";
            return SessionEnd.StoppedReading;
        }
    }

    /// <summary>What ended a session with <see cref="SessionEnd.Lost"/> or <see cref="SessionEnd.StoppedReading"/>.</summary>
    public string LostBecause { get; private set; } = string.Empty;

    private void AnnounceBoot() =>
        Send(new Frame(FrameKind.Event, 0, Opcode.Boot, FrameFlags.None, new PayloadWriter(4).U32(_options.BootCounter).ToArray()));

    /// <summary>Decodes the bytes that arrived and answers every whole frame among them; returns how many there were.</summary>
    private int Accept(ReadOnlySpan<byte> bytes)
    {
        var frames = _decoder.Push(bytes);
        foreach (var frame in frames)
        {
            if (_ended is not null)
            {
                break;
            }

            Handle(frame);
        }

        Counters.DroppedFrames = _decoder.DroppedFrames;
        return frames.Count;
    }

    /// <summary>Answers one decoded frame (exposed so firmware-like tests can drive the server frame by frame).</summary>
    public void Handle(Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Request:
                HandleRequest(frame);
                break;
            case FrameKind.Data or FrameKind.Ack:
                try
                {
                    if (frame.Kind == FrameKind.Data)
                    {
                        HandleData(frame);
                    }
                    else
                    {
                        HandleAck(frame);
                    }
                }
                catch (MalformedPayloadException)
                {
                    // A transfer frame with a bad payload is as good as lost: the host's timeout recovers it.
                }

                break;
        }
    }

    private void HandleRequest(Frame frame)
    {
        if (frame.Opcode == Opcode.Hello && frame.Flags == FrameFlags.None)
        {
            Hello(frame);
            return;
        }

        if (frame.Opcode == Opcode.Auth && frame.Flags == FrameFlags.None && _helloSeen)
        {
            Authenticate(frame);
            return;
        }

        if (!_helloSeen)
        {
            Nak(frame, ErrorCode.HelloRequired, $"the rig booted (boot counter {_options.BootCounter}) and serves nothing before HELLO");
            return;
        }

        if (_options.Secret is not null && !_authenticated)
        {
            Refuse(frame, $"{OpcodeNames.Of(frame.Opcode)} before AUTH: this rig needs its shared secret; answer HELLO's challenge first");
            return;
        }

        try
        {
            if (frame.Flags.HasFlag(FrameFlags.Begin))
            {
                Begin(frame, BulkDescriptor.Decode(frame.Payload));
            }
            else if (frame.Flags.HasFlag(FrameFlags.Commit))
            {
                Commit(frame, BulkDescriptor.Decode(frame.Payload));
            }
            else if (!Replay(frame, Crc32C.Compute(frame.Payload)))
            {
                Execute(frame, frame.Payload, Crc32C.Compute(frame.Payload));
            }
        }
        catch (MalformedPayloadException e)
        {
            Nak(frame, ErrorCode.BadPayload, e.Message);
        }
    }

    private void Hello(Frame frame)
    {
        HelloRequest hello;
        try
        {
            hello = HelloRequest.Decode(frame.Payload);
        }
        catch (MalformedPayloadException e)
        {
            Nak(frame, ErrorCode.BadPayload, e.Message);
            return;
        }

        if (hello.Major != ProtocolVersion.Major)
        {
            Nak(frame, ErrorCode.Version, $"the host speaks protocol {hello.Major}.{hello.Minor}, this firmware {ProtocolVersion.Major}.{_options.MaxMinor}");
            return;
        }

        if (_options.Secret is not null && hello.Minor < 1)
        {
            Refuse(frame, $"this rig needs a shared secret, which a protocol {hello.Major}.{hello.Minor} host cannot give; update the host to protocol {ProtocolVersion.Major}.{_options.MaxMinor}");
            return;
        }

        // A HELLO starts a new host session: sequence numbers restart, so nothing cached may answer them.
        _helloSeen = true;
        _authenticated = false;
        _uploads.Clear();
        _maxPayload = (int)Math.Clamp(hello.MaxPayload, 64u, (uint)_options.MaxPayload);
        _window = Math.Max((ushort)1, Math.Min(hello.Window, _options.Window));

        // Each side uses what the lower minor defines: a 1.0 host gets the 1.0 layout (it rejects bytes it does not
        // know), a 1.1 host also gets limits and challenge, and only a 1.2 host may send the 1.2 opcodes.
        _minor = Math.Min(hello.Minor, _options.MaxMinor);
        var capabilities = Capabilities;
        if (_minor >= 1)
        {
            capabilities |= Capabilities.Limits | (_options.Secret is null ? Capabilities.None : Capabilities.Auth);
        }

        // 1.3: the host may keep this many requests in flight, so this many answers (and uploads) are kept.
        _depth = _minor >= 3 && _options.PipelineDepth >= 2 ? _options.PipelineDepth : 1;
        capabilities |= _depth > 1 ? Capabilities.Pipeline : Capabilities.None;
        _cache.Reset(_depth);

        _challenge = capabilities.HasFlag(Capabilities.Auth) ? RigAuthentication.NewNonce() : null;
        var answer = new RigHello(
            ProtocolVersion.Major,
            _options.MaxMinor,
            _window,
            (uint)_maxPayload,
            _options.FirmwareVersion,
            ProtocolVersion.SchemaHashOf(_minor),
            capabilities,
            _options.BootCounter,
            _options.Firmware)
        {
            Limits = capabilities.HasFlag(Capabilities.Limits) ? Limits : null,
            Challenge = _challenge,
            PipelineDepth = _depth > 1 ? (ushort)_depth : null,
        };
        _helloAnswer = answer.Encode();
        Send(Reply(frame, FrameKind.Response, FrameFlags.None, _helloAnswer));
    }

    /// <summary>Checks the host's answer to this HELLO's challenge. Each challenge is answered once: a second AUTH,
    /// or an answer recorded on another connection (another nonce), is refused and ends the session.</summary>
    private void Authenticate(Frame frame)
    {
        if (_options.Secret is not { } secret)
        {
            Nak(frame, ErrorCode.Unsupported, "this rig needs no shared secret; send no AUTH");
            return;
        }

        var challenge = _challenge;
        _challenge = null;
        AuthRequest request;
        try
        {
            request = AuthRequest.Decode(frame.Payload);
        }
        catch (MalformedPayloadException e)
        {
            Refuse(frame, $"malformed AUTH ({e.Message})");
            return;
        }

        if (challenge is null || _authenticated)
        {
            Refuse(frame, "AUTH without a fresh challenge (a replayed answer): each HELLO's challenge is answered once");
            return;
        }

        if (!RigAuthentication.Same(RigAuthentication.HostAnswer(secret, _helloAnswer!, request.HostNonce), request.Answer))
        {
            Refuse(frame, "wrong shared secret: the host's secret file differs from the rig's");
            return;
        }

        _authenticated = true;
        _options.Log?.Invoke($"{_options.HostName} authenticated");
        Send(Reply(frame, FrameKind.Response, FrameFlags.None, RigAuthentication.RigProof(secret, _helloAnswer!, request.HostNonce)));
    }

    /// <summary>Refuses a host that did not authenticate: one log line, a NAK AUTH, and the end of its session.</summary>
    private void Refuse(Frame frame, string why)
    {
        _options.Log?.Invoke($"{_options.HostName} refused: {why}");
        _ended = SessionEnd.Refused;
        Nak(frame, ErrorCode.Auth, why);
    }

    private void Begin(Frame frame, BulkDescriptor descriptor)
    {
        if (_cache.Find(frame, descriptor.Crc) is not null)
        {
            // The object was received and executed already; let the host go on to its COMMIT, answered from cache.
            Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck(descriptor.Length, _window).Encode()));
            return;
        }

        if (UploadOf(frame) is { } u && u.Descriptor == descriptor)
        {
            Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck((uint)u.Received, _window).Encode()));
            return;
        }

        if (descriptor.Length > (uint)_options.MaxObjectBytes)
        {
            Nak(frame, ErrorCode.TooLarge, $"a {descriptor.Length}-byte object exceeds the {_options.MaxObjectBytes} bytes this rig can hold");
            return;
        }

        // One upload per request in flight: a pipelining host may begin the next while this one's COMMIT is on the line.
        _uploads.RemoveAll(x => x.Sequence == frame.Sequence);
        _uploads.Add(new Upload(frame.Sequence, frame.Opcode, descriptor, new byte[descriptor.Length]));
        if (_uploads.Count > _depth)
        {
            _uploads.RemoveAt(0);
        }

        Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck(0, _window).Encode()));
    }

    private void HandleData(Frame frame)
    {
        if (UploadOf(frame) is not { } u)
        {
            return;
        }

        var chunk = DataChunk.Decode(frame.Payload);
        if (chunk.Offset == (uint)u.Received && u.Received + chunk.Bytes.Length <= u.Buffer.Length)
        {
            chunk.Bytes.CopyTo(u.Buffer, u.Received);
            u.Received += chunk.Bytes.Length;
        }

        // Out of order or repeated: acknowledge what is there; the host goes back to it after its timeout.
        Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck((uint)u.Received, _window).Encode()));
    }

    private void Commit(Frame frame, BulkDescriptor descriptor)
    {
        if (Replay(frame, descriptor.Crc))
        {
            return;
        }

        if (UploadOf(frame) is not { } u || u.Descriptor != descriptor)
        {
            Nak(frame, ErrorCode.Transfer, $"COMMIT of sequence {frame.Sequence} without a matching BEGIN");
            return;
        }

        if (u.Received != u.Buffer.Length)
        {
            Nak(frame, ErrorCode.Transfer, $"COMMIT of sequence {frame.Sequence} after {u.Received} of {u.Buffer.Length} bytes");
            return;
        }

        if (Crc32C.Compute(u.Buffer) != descriptor.Crc)
        {
            _uploads.Remove(u);
            Nak(frame, ErrorCode.Transfer, $"the object of sequence {frame.Sequence} does not match its CRC 0x{descriptor.Crc:X8}");
            return;
        }

        _uploads.Remove(u);
        Execute(frame, u.Buffer, descriptor.Crc);
    }

    private void HandleAck(Frame frame)
    {
        if (_cache.FindDownload(frame) is not { Bulk: { } bulk } cache)
        {
            return;
        }

        var ack = TransferAck.Decode(frame.Payload);
        var offset = (int)Math.Min(ack.Offset, (uint)bulk.Length);
        if (frame.Flags.HasFlag(FrameFlags.Resend) || offset > cache.SentTo)
        {
            cache.SentTo = offset;
        }

        SendDownload(cache, frame, offset, ack.Credit);
    }

    /// <summary>Sends a bulk answer's DATA up to <paramref name="credit"/> frames beyond <paramref name="offset"/>.</summary>
    private void SendDownload(CachedResponse cache, Frame request, int offset, ushort credit)
    {
        var bulk = cache.Bulk!;
        var chunk = _maxPayload - DataChunk.OffsetSize;
        var limit = (int)Math.Min(bulk.Length, offset + ((long)Math.Max((ushort)1, credit) * chunk));
        while (cache.SentTo < limit)
        {
            var length = Math.Min(chunk, bulk.Length - cache.SentTo);
            Send(Reply(request, FrameKind.Data, FrameFlags.None, DataChunk.Encode((uint)cache.SentTo, bulk.AsSpan(cache.SentTo, length))));
            cache.SentTo += length;
        }
    }

    private bool Replay(Frame frame, uint requestCrc)
    {
        if (_cache.Find(frame, requestCrc) is not { } cached)
        {
            return false;
        }

        Counters.CountFromCache();
        cached.SentTo = 0;
        Send(cached.Response);
        return true;
    }

    /// <summary>The upload a BEGIN, DATA or COMMIT frame belongs to, if it is in progress.</summary>
    private Upload? UploadOf(Frame frame) => _uploads.Find(u => u.Sequence == frame.Sequence && u.Opcode == frame.Opcode);

    private void Execute(Frame frame, byte[] payload, uint requestCrc)
    {
        Counters.CountExecuted();
        if (frame.Opcode is Opcode.Program or Opcode.ReadBack or Opcode.Mvm or Opcode.ProgramCells or Opcode.MvmPacked)
        {
            // Tells the host to wait the long execution timeout instead of retrying while the chip works.
            Send(Reply(frame, FrameKind.Ack, FrameFlags.Working, []));
        }

        Frame response;
        byte[]? bulk = null;
        try
        {
            var answer = Dispatch(frame.Opcode, payload);
            if (answer.Length <= _maxPayload)
            {
                response = Reply(frame, FrameKind.Response, FrameFlags.None, answer);
            }
            else
            {
                bulk = answer;
                response = Reply(frame, FrameKind.Response, FrameFlags.Begin, BulkDescriptor.Of(answer).Encode());
            }
        }
        catch (DeviceError e)
        {
            response = NakFrame(frame, e.Code, e.Message);
        }
        catch (MalformedPayloadException e)
        {
            response = NakFrame(frame, ErrorCode.BadPayload, e.Message);
        }
        catch (AimcException e)
        {
            response = NakFrame(frame, ErrorCode.Chip, e.Message);
        }
        catch (ArgumentException e)
        {
            response = NakFrame(frame, ErrorCode.Argument, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArithmeticException or IndexOutOfRangeException)
        {
            response = NakFrame(frame, ErrorCode.Internal, $"{e.GetType().Name}: {e.Message}");
        }

        var cached = new CachedResponse(frame.Sequence, frame.Opcode, requestCrc, response, bulk);
        _cache.Add(cached);
        Send(response);
        if (bulk is not null && _depth > 1)
        {
            // In a pipeline (1.3) the first window follows the answer at once: the host's ACK would wait behind the
            // next request's upload on the other half of the line.
            SendDownload(cached, frame, 0, _window);
        }
    }

    private byte[] Dispatch(Opcode opcode, byte[] payload)
    {
        if (opcode is Opcode.ProgramCells or Opcode.MvmPacked && _minor < 2)
        {
            throw new DeviceError(ErrorCode.UnknownOpcode, $"{OpcodeNames.Of(opcode)} is protocol 1.2; this session speaks {ProtocolVersion.Major}.{_minor}");
        }

        switch (opcode)
        {
            case Opcode.GetInfo:
                End(payload);
                return ChipInfoLayout.Encode(_chip.Info);
            case Opcode.Program:
                var program = ProgramRequest.Decode(payload);
                CheckBudget(program.Options);
                var report = _chip.Program(program.Tile, program.Targets, program.Options, program.Only);
                _options.Log?.Invoke($"{_options.HostName} programmed tile {report.Tile}: {(program.Only is null ? program.Targets.Data.Length : program.Only.Data.Count(b => b))} cells, {report.TotalPulses} pulses");
                return ProgrammingReportLayout.Encode(report);
            case Opcode.ProgramCells:
                var cells = ProgramCellsRequest.Decode(payload);
                CheckBudget(cells.Options);
                var programmed = _chip.Program(cells.Tile, cells.Targets, cells.Options, cells.Only, cells.Detail);
                _options.Log?.Invoke($"{_options.HostName} programmed tile {programmed.Tile}: {(cells.Only is null ? cells.Targets.Data.Length : cells.Only.Data.Count(b => b))} cells, {programmed.TotalPulses} pulses");
                return ProgrammingSummaryLayout.Encode(programmed, cells.Detail, (cells.Targets.Rows, cells.Targets.Cols));
            case Opcode.ReadBack:
                return DeviceStatesLayout.Encode(_chip.ReadBack(Single(payload, r => r.I32())));
            case Opcode.Mvm:
                var mvm = MvmRequest.Decode(payload);
                CheckBatch(mvm.InputCodes);

                CheckInputCodes(mvm.InputCodes);
                return MvmResultLayout.Encode(_chip.Mvm(mvm.Tile, mvm.InputCodes));
            case Opcode.MvmPacked:
                var packed = MvmPackedRequest.Decode(payload);
                CheckBatch(packed.InputCodes);
                CheckInputCodes(packed.InputCodes);
                return MvmPackedResultLayout.Encode(_chip.Mvm(packed.Tile, packed.InputCodes), _chip.Info.AdcCodeMin, _chip.Info.AdcCodeMax, packed.KnownScales);
            case Opcode.ClockGet:
                End(payload);
                return new ClockReading(_chip.Clock.Seconds, _chip.Clock.IsVirtual).Encode();
            case Opcode.ClockAdvance:
                _chip.Clock.Advance(Single(payload, r => r.F64()));
                return new ClockReading(_chip.Clock.Seconds, _chip.Clock.IsVirtual).Encode();
            case Opcode.Reseed:
                var seed = Single(payload, r => r.U64());
                if (_chip is not IReseedableChip { CanReseed: true } reseedable)
                {
                    throw new DeviceError(ErrorCode.Unsupported, "this rig is hardware; its noise cannot be reseeded");
                }

                reseedable.Reseed(seed);
                return [];
            default:
                throw new DeviceError(ErrorCode.UnknownOpcode, $"opcode 0x{(ushort)opcode:X4} is not one this firmware knows");
        }
    }

    /// <summary>Refuses write-verify settings that make no sense or would hold the rig past its pulse budget.</summary>
    private void CheckBudget(WriteVerifyOptions options)
    {
        if (!double.IsFinite(options.Tolerance) || options.Tolerance is < 0 or > 1)
        {
            throw new DeviceError(ErrorCode.Chip, $"write-verify tolerance {options.Tolerance}: must be a fraction of the device's state range, from 0 to 1 (e.g. 0.02)");
        }

        if (options.Enabled && (options.MaxPulsesPerCell < 1 || options.MaxPulsesPerCell > _options.MaxPulsesPerCell))
        {
            throw new DeviceError(ErrorCode.Chip, $"write-verify budget of {options.MaxPulsesPerCell} pulses per device: this rig allows 1 to {_options.MaxPulsesPerCell} per PROGRAM (its pulse budget); ask for fewer");
        }
    }

    private void CheckBatch(Grid<int> codes)
    {
        if (codes.Rows > _options.MaxMvmBatch)
        {
            throw new DeviceError(ErrorCode.TooLarge, $"an MVM of {codes.Rows} vectors: this rig takes at most {_options.MaxMvmBatch} per request; send fewer");
        }
    }

    /// <summary>Refuses input codes outside the DAC's range before they reach the chip, in the chip's own words.</summary>
    private void CheckInputCodes(Grid<int> codes)
    {
        var max = _chip.Info.InputCodeMax;
        foreach (var code in codes.Data)
        {
            if (code < -max || code > max)
            {
                throw new DeviceError(ErrorCode.Chip, $"input code {code} is outside the {_chip.Info.DacBits}-bit DAC range [-{max}, {max}]");
            }
        }
    }

    private static T Single<T>(byte[] payload, Func<PayloadReader, T> read)
    {
        var reader = new PayloadReader(payload);
        var value = read(reader);
        reader.End();
        return value;
    }

    private static void End(byte[] payload) => new PayloadReader(payload).End();

    private void Nak(Frame request, ErrorCode code, string message) => Send(NakFrame(request, code, message));

    private static Frame NakFrame(Frame request, ErrorCode code, string message) =>
        Reply(request, FrameKind.Nak, FrameFlags.None, new NakMessage(code, message).Encode());

    private static Frame Reply(Frame request, FrameKind kind, FrameFlags flags, byte[] payload) =>
        new(kind, request.Sequence, request.Opcode, flags, payload);

    private void Send(Frame frame)
    {
        _stream.Write(FrameCodec.Encode(frame));
        _stream.Flush();
        Counters.CountSent();
    }

    /// <summary>A bulk request object being received.</summary>
    private sealed record Upload(ushort Sequence, Opcode Opcode, BulkDescriptor Descriptor, byte[] Buffer)
    {
        public int Received { get; set; }
    }

    /// <summary>A request the device refuses with a specific error code.</summary>
    private sealed class DeviceError(ErrorCode code, string message) : Exception(message)
    {
        public ErrorCode Code { get; } = code;
    }
}
