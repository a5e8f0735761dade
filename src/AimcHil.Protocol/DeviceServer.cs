using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>The device side of the protocol: serves any <see cref="IAimcChip"/> over a byte stream, as rig firmware
/// does. The emulator served this way is the virtual rig.</summary>
/// <remarks>
/// Purely reactive (it never needs a timer, like the firmware it stands for): it answers frames as they arrive. The
/// last response is cached with its request's sequence number, opcode and payload CRC, so a retried request is
/// answered from the cache and the chip never draws noise twice for one request.
/// </remarks>
public sealed class DeviceServer
{
    private readonly IAimcChip _chip;
    private readonly Stream _stream;
    private readonly DeviceServerOptions _options;
    private readonly FrameDecoder _decoder;
    private bool _helloSeen;
    private int _maxPayload;
    private ushort _window;
    private CachedResponse? _cache;
    private Upload? _upload;

    public DeviceServer(IAimcChip chip, Stream stream, DeviceServerOptions? options = null)
    {
        _chip = chip;
        _stream = stream;
        _options = options ?? new DeviceServerOptions();
        _decoder = new FrameDecoder(_options.MaxPayload);
        _maxPayload = _options.MaxPayload;
        _window = _options.Window;
    }

    public DeviceServerCounters Counters { get; } = new();

    public Capabilities Capabilities =>
        (_chip is IReseedableChip { CanReseed: true } ? Capabilities.Reseed : Capabilities.None) |
        (_chip.Clock.IsVirtual ? Capabilities.VirtualClock : Capabilities.None);

    /// <summary>How often <see cref="Run"/> looks at its cancellation token while the line is quiet.</summary>
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
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Serves on the calling thread until the stream ends or <paramref name="cancellation"/> fires (noticed
    /// within 50 ms on a stream with read timeouts, whose ReadTimeout it sets for that).</summary>
    public void Run(CancellationToken cancellation = default)
    {
        if (_options.AnnounceBoot)
        {
            _stream.Write([0]);
            AnnounceBoot();
        }

        if (cancellation.CanBeCanceled && _stream.CanTimeout)
        {
            _stream.ReadTimeout = CancellationPollMs;
        }

        var buffer = new byte[16384];
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = _stream.Read(buffer);
                }
                catch (TimeoutException)
                {
                    continue;
                }

                if (n == 0)
                {
                    return;
                }

                Accept(buffer.AsSpan(0, n));
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void AnnounceBoot() =>
        Send(new Frame(FrameKind.Event, 0, Opcode.Boot, FrameFlags.None, new PayloadWriter(4).U32(_options.BootCounter).ToArray()));

    /// <summary>Decodes the bytes that arrived and answers every whole frame among them.</summary>
    private void Accept(ReadOnlySpan<byte> bytes)
    {
        foreach (var frame in _decoder.Push(bytes))
        {
            Handle(frame);
        }

        Counters.DroppedFrames = _decoder.DroppedFrames;
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

        if (!_helloSeen)
        {
            Nak(frame, ErrorCode.HelloRequired, $"the rig booted (boot counter {_options.BootCounter}) and serves nothing before HELLO");
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
            Nak(frame, ErrorCode.Version, $"the host speaks protocol {hello.Major}.{hello.Minor}, this firmware {ProtocolVersion.Major}.{ProtocolVersion.Minor}");
            return;
        }

        // A HELLO starts a new host session: sequence numbers restart, so nothing cached may answer them.
        _helloSeen = true;
        _cache = null;
        _upload = null;
        _maxPayload = (int)Math.Clamp(hello.MaxPayload, 64u, (uint)_options.MaxPayload);
        _window = Math.Max((ushort)1, Math.Min(hello.Window, _options.Window));
        var answer = new RigHello(
            ProtocolVersion.Major,
            ProtocolVersion.Minor,
            _window,
            (uint)_maxPayload,
            _options.FirmwareVersion,
            ProtocolVersion.SchemaHash,
            Capabilities,
            _options.BootCounter,
            _options.Firmware);
        Send(Reply(frame, FrameKind.Response, FrameFlags.None, answer.Encode()));
    }

    private void Begin(Frame frame, BulkDescriptor descriptor)
    {
        if (Matches(_cache, frame, descriptor.Crc))
        {
            // The object was received and executed already; let the host go on to its COMMIT, answered from cache.
            Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck(descriptor.Length, _window).Encode()));
            return;
        }

        if (_upload is { } u && u.Sequence == frame.Sequence && u.Opcode == frame.Opcode && u.Descriptor == descriptor)
        {
            Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck((uint)u.Received, _window).Encode()));
            return;
        }

        if (descriptor.Length > (uint)_options.MaxObjectBytes)
        {
            Nak(frame, ErrorCode.TooLarge, $"a {descriptor.Length}-byte object exceeds the {_options.MaxObjectBytes} bytes this rig can hold");
            return;
        }

        _upload = new Upload(frame.Sequence, frame.Opcode, descriptor, new byte[descriptor.Length]);
        Send(Reply(frame, FrameKind.Ack, FrameFlags.None, new TransferAck(0, _window).Encode()));
    }

    private void HandleData(Frame frame)
    {
        if (_upload is not { } u || u.Sequence != frame.Sequence || u.Opcode != frame.Opcode)
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

        if (_upload is not { } u || u.Sequence != frame.Sequence || u.Opcode != frame.Opcode || u.Descriptor != descriptor)
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
            _upload = null;
            Nak(frame, ErrorCode.Transfer, $"the object of sequence {frame.Sequence} does not match its CRC 0x{descriptor.Crc:X8}");
            return;
        }

        _upload = null;
        Execute(frame, u.Buffer, descriptor.Crc);
    }

    private void HandleAck(Frame frame)
    {
        if (_cache is not { Bulk: { } bulk } cache || cache.Sequence != frame.Sequence || cache.Opcode != frame.Opcode)
        {
            return;
        }

        var ack = TransferAck.Decode(frame.Payload);
        var chunk = _maxPayload - DataChunk.OffsetSize;
        var offset = (int)Math.Min(ack.Offset, (uint)bulk.Length);
        if (frame.Flags.HasFlag(FrameFlags.Resend) || offset > cache.SentTo)
        {
            cache.SentTo = offset;
        }

        var limit = (int)Math.Min(bulk.Length, offset + ((long)Math.Max((ushort)1, ack.Credit) * chunk));
        while (cache.SentTo < limit)
        {
            var length = Math.Min(chunk, bulk.Length - cache.SentTo);
            Send(Reply(frame, FrameKind.Data, FrameFlags.None, DataChunk.Encode((uint)cache.SentTo, bulk.AsSpan(cache.SentTo, length))));
            cache.SentTo += length;
        }
    }

    private bool Replay(Frame frame, uint requestCrc)
    {
        if (!Matches(_cache, frame, requestCrc))
        {
            return false;
        }

        Counters.CountFromCache();
        _cache!.SentTo = 0;
        Send(_cache.Response);
        return true;
    }

    private static bool Matches(CachedResponse? cache, Frame frame, uint requestCrc) =>
        cache is not null && cache.Sequence == frame.Sequence && cache.Opcode == frame.Opcode && cache.RequestCrc == requestCrc;

    private void Execute(Frame frame, byte[] payload, uint requestCrc)
    {
        Counters.CountExecuted();
        if (frame.Opcode is Opcode.Program or Opcode.ReadBack or Opcode.Mvm)
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

        _cache = new CachedResponse(frame.Sequence, frame.Opcode, requestCrc, response, bulk);
        Send(response);
    }

    private byte[] Dispatch(Opcode opcode, byte[] payload)
    {
        switch (opcode)
        {
            case Opcode.GetInfo:
                End(payload);
                return ChipInfoLayout.Encode(_chip.Info);
            case Opcode.Program:
                var program = ProgramRequest.Decode(payload);
                return ProgrammingReportLayout.Encode(_chip.Program(program.Tile, program.Targets, program.Options, program.Only));
            case Opcode.ReadBack:
                return DeviceStatesLayout.Encode(_chip.ReadBack(Single(payload, r => r.I32())));
            case Opcode.Mvm:
                var mvm = MvmRequest.Decode(payload);
                return MvmResultLayout.Encode(_chip.Mvm(mvm.Tile, mvm.InputCodes));
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

    /// <summary>The response to the latest executed request, and for a bulk response the object and how far it was sent.</summary>
    private sealed record CachedResponse(ushort Sequence, Opcode Opcode, uint RequestCrc, Frame Response, byte[]? Bulk)
    {
        public int SentTo { get; set; }
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
