// One piece: the host end of one protocol session (PROTOCOL.md). The handshake, single and pipelined requests, retries,
// bulk uploads and downloads and the background reader all share the session's state: the sequence counter, the routes
// that hand each arriving frame to the exchange it answers, and the negotiated payload size and window. Each step of
// the host side reads or changes that state under the same locks, which would have no single home across files.

using System.Collections.Concurrent;
using System.Diagnostics;
using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>The host side of the protocol over a full-duplex byte stream (a serial port's BaseStream, a socket, a
/// pipe): handshake, sequence numbers, timeouts, retries with the same sequence number, and windowed bulk transfers.</summary>
/// <remarks>
/// Calls from several threads queue. <see cref="Request"/> has one request in flight; <see cref="Requests"/> keeps up
/// to the pipeline depth a 1.3 rig offers in flight (PROTOCOL.md section 4.1), so the next request's bytes cross the
/// line while the rig computes and answers the current one. A background reader decodes frames as they arrive and
/// hands each to the exchange its sequence number belongs to, so a silent rig costs the timeout and never a hang:
/// after <see cref="HostSessionOptions.Attempts"/> sends the request fails with an <see cref="AimcException"/> that
/// says what to check.
/// </remarks>
public sealed class HostSession : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly FrameDecoder _decoder;
    private readonly ConcurrentDictionary<ushort, BlockingCollection<Frame>> _routes = new();
    private readonly Thread _reader;
    private readonly object _gate = new();
    private readonly object _sendGate = new();
    private volatile bool _lineClosed;
    private ushort _sequence;
    private int _maxPayload = FrameCodec.DefaultMaxPayload;
    private ushort _window = 1;
    private bool _disposed;
    private Exception? _readFailure;

    /// <param name="port">Names the rig in messages: "/dev/ttyACM0", "tcp:bench-3:5025", "virtual".</param>
    public HostSession(Stream stream, string port, HostSessionOptions? options = null, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Port = port;
        Options = options ?? new HostSessionOptions();
        if (Options.Attempts < 1 || Options.Timeout <= TimeSpan.Zero || Options.MaxPayload < 64)
        {
            throw new ArgumentException("a session needs at least one attempt, a positive timeout and a max payload of at least 64 bytes", nameof(options));
        }

        if (Options.MaxMinor > ProtocolVersion.Minor)
        {
            throw new ArgumentException($"this host speaks protocol {ProtocolVersion.Major}.{ProtocolVersion.Minor} at most, not {ProtocolVersion.Major}.{Options.MaxMinor}", nameof(options));
        }

        _decoder = new FrameDecoder(Options.MaxPayload);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"aimc-protocol {port}" };
        _reader.Start();
    }

    public string Port { get; }

    public HostSessionOptions Options { get; }

    /// <summary>The rig's latest answer to HELLO; null before the first handshake.</summary>
    public RigHello? Rig { get; private set; }

    /// <summary>The minor protocol version both sides speak since the last handshake: the lower of the two.</summary>
    public byte Minor { get; private set; }

    /// <summary>Requests <see cref="Requests"/> keeps in flight at once: the smaller of the rig's PIPELINE depth and
    /// <see cref="HostSessionOptions.PipelineDepth"/>; 1 with a rig below protocol 1.3.</summary>
    public int PipelineDepth => Rig?.PipelineDepth is { } depth ? Math.Max(1, Math.Min((int)depth, Options.PipelineDepth)) : 1;

    public HostSessionCounters Counters { get; } = new();

    /// <summary>Raised (on the calling thread, inside the request that found it) when a HELLO shows a changed boot
    /// counter: the rig reset and lost its weights. Handlers may send requests.</summary>
    public event Action<RigHello>? RigReset;

    /// <summary>Sends HELLO and checks versions and schema; detects a rig reset against the previous HELLO.</summary>
    public RigHello Handshake()
    {
        lock (_gate)
        {
            var (answer, rig, minor) = Greet();
            if (!SameSchema(rig, minor))
            {
                // On a serial line the answer to an older host's HELLO (same sequence 1, that version's schema hash)
                // may still wait in the buffer: greet once more, under a sequence number nobody else used.
                Counters.CountStale();
                (answer, rig, minor) = Greet();
                if (!SameSchema(rig, minor))
                {
                    throw new AimcException($"rig on {Port} has message layouts (schema hash 0x{rig.SchemaHash:X8}) that differ from this host's (0x{ProtocolVersion.SchemaHashOf(minor):X8}) for protocol {rig.Major}.{minor}: firmware {rig.FirmwareVersionText} was built from another draft; update it");
                }
            }

            if (rig.Capabilities.HasFlag(Capabilities.Auth))
            {
                Authenticate(answer.Payload);
            }

            _maxPayload = (int)Math.Clamp(rig.MaxPayload, 64u, (uint)Options.MaxPayload);
            _window = Math.Max((ushort)1, Math.Min(rig.Window, Options.Window));
            var previous = Rig;
            Minor = minor;
            Rig = rig;
            if (previous is not null && previous.BootCounter != rig.BootCounter)
            {
                Counters.CountReset();
                RigReset?.Invoke(rig);
            }

            return rig;
        }
    }

    /// <summary>One HELLO: the rig's answer, and the minor version both sides speak (the lower of the two).</summary>
    private (Frame Answer, RigHello Rig, byte Minor) Greet()
    {
        var request = new HelloRequest(ProtocolVersion.Major, Options.MaxMinor, (uint)Options.MaxPayload, Options.Window);
        using var exchange = Open(NextSequence());
        var answer = Transact(exchange, new Frame(FrameKind.Request, exchange.Sequence, Opcode.Hello, FrameFlags.None, request.Encode()), AnswerKind.Response);
        if (answer.Kind == FrameKind.Nak)
        {
            throw NakMessage.Decode(answer.Payload).ToException(Port, Opcode.Hello);
        }

        var rig = Decode(Opcode.Hello, answer.Payload, RigHello.Decode);
        if (rig.Major != ProtocolVersion.Major)
        {
            throw new AimcException($"rig on {Port} speaks protocol {rig.Major}.{rig.Minor}, this host {ProtocolVersion.Major}.{Options.MaxMinor}: update the firmware or the host so the major versions match");
        }

        return (answer, rig, Math.Min(rig.Minor, Options.MaxMinor));
    }

    /// <summary>Whether the rig sent the schema hash of the version both speak, as it must.</summary>
    private static bool SameSchema(RigHello rig, byte minor) => rig.SchemaHash == ProtocolVersion.SchemaHashOf(minor);

    /// <summary>Answers the rig's HELLO challenge with the shared secret and checks the rig's proof that it holds
    /// the secret too, so neither side talks to an impostor.</summary>
    private void Authenticate(byte[] helloAnswer)
    {
        var secret = Options.Secret
            ?? throw new AimcException($"rig on {Port} needs a shared secret: add secret_file: PATH (a file only you can read, holding the rig's secret) to the rig file");
        var nonce = RigAuthentication.NewNonce();
        var request = new AuthRequest(nonce, RigAuthentication.HostAnswer(secret, helloAnswer, nonce));
        using var exchange = Open(NextSequence());
        var answer = Transact(exchange, new Frame(FrameKind.Request, exchange.Sequence, Opcode.Auth, FrameFlags.None, request.Encode()), AnswerKind.Response);
        if (answer.Kind == FrameKind.Nak)
        {
            throw NakMessage.Decode(answer.Payload).ToException(Port, Opcode.Auth);
        }

        if (!RigAuthentication.Same(RigAuthentication.RigProof(secret, helloAnswer, nonce), answer.Payload))
        {
            throw new AimcException($"rig on {Port} accepted this host but could not prove it holds the shared secret: it may be an impostor; check the address");
        }
    }

    /// <summary>Sends a request and returns the response payload. Payloads larger than a frame go as a bulk
    /// transfer both ways. A NAK becomes an exception; a rig that reset is greeted again (raising
    /// <see cref="RigReset"/>) and the request is sent once more.</summary>
    public byte[] Request(Opcode opcode, byte[] payload)
    {
        lock (_gate)
        {
            if (Rig is null)
            {
                Handshake();
            }

            Counters.CountRequest();
            for (var greeted = 0; ; greeted++)
            {
                Frame answer;
                using (var exchange = Open(NextSequence()))
                {
                    answer = Exchange(exchange, opcode, payload);
                }

                if (answer.Kind == FrameKind.Response)
                {
                    return answer.Payload;
                }

                var nak = Decode(opcode, answer.Payload, NakMessage.Decode);
                if (nak.Code == ErrorCode.HelloRequired && greeted == 0)
                {
                    Handshake();
                    continue;
                }

                throw nak.ToException(Port, opcode);
            }
        }
    }

    /// <summary>Sends several requests and returns their response payloads in the same order. With a rig that offers
    /// PIPELINE, up to <see cref="PipelineDepth"/> are in flight at once and go on the wire in order, each request's
    /// upload as soon as the one before it is committed; otherwise one after another, as <see cref="Request"/>.
    /// Errors are as <see cref="Request"/>'s, for the first request (in order) that failed, after every request in
    /// flight has ended; a rig that reset is greeted again once and the requests it did not answer are sent again.</summary>
    /// <param name="answered">Called, in order, with the index and payload of every request the rig answered, before
    /// a reset is handled or an error thrown: a caller that shadows what the rig holds (<see cref="RigReset"/>
    /// restores from it) records those first.</param>
    public byte[][] Requests(IReadOnlyList<(Opcode Opcode, byte[] Payload)> requests, Action<int, byte[]>? answered = null)
    {
        lock (_gate)
        {
            if (Rig is null)
            {
                Handshake();
            }

            if (PipelineDepth < 2 || requests.Count < 2)
            {
                return [.. requests.Select((r, i) =>
                {
                    var payload = Request(r.Opcode, r.Payload);
                    answered?.Invoke(i, payload);
                    return payload;
                })];
            }

            var depth = PipelineDepth;
            var pipeline = new Pipeline(requests.Count, depth);
            var answers = new Frame?[requests.Count];
            var failures = new Exception?[requests.Count];
            var running = new List<Task>(requests.Count);
            for (var i = 0; i < requests.Count; i++)
            {
                // At most depth exchanges wait at once; each waits its turn in the pipeline before it sends.
                if (i >= depth)
                {
                    pipeline.WaitForTurn(i);
                }

                Counters.CountRequest();
                var index = i;
                var exchange = Open(NextSequence(), pipeline, index);
                running.Add(Task.Factory.StartNew(
                    () =>
                    {
                        try
                        {
                            answers[index] = Exchange(exchange, requests[index].Opcode, requests[index].Payload);
                        }
                        catch (Exception e)
                        {
                            failures[index] = e;
                        }
                        finally
                        {
                            exchange.Dispose();
                            pipeline.Answered(index);
                        }
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default));
            }

            Task.WaitAll(running);

            for (var i = 0; i < requests.Count; i++)
            {
                if (answers[i] is { Kind: FrameKind.Response } answer)
                {
                    answered?.Invoke(i, answer.Payload);
                }
            }

            var payloads = new byte[requests.Count][];
            var unanswered = new List<int>();
            for (var i = 0; i < requests.Count; i++)
            {
                if (failures[i] is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
                }

                var (opcode, _) = requests[i];
                var answer = answers[i]!;
                if (answer.Kind == FrameKind.Response)
                {
                    payloads[i] = answer.Payload;
                    continue;
                }

                var nak = Decode(opcode, answer.Payload, NakMessage.Decode);
                if (nak.Code != ErrorCode.HelloRequired)
                {
                    throw nak.ToException(Port, opcode);
                }

                unanswered.Add(i);
            }

            if (unanswered.Count > 0)
            {
                // The rig reset in the middle: greet it (restoring its tiles) once, then what it did not answer, in order.
                Handshake();
                foreach (var i in unanswered)
                {
                    payloads[i] = Request(requests[i].Opcode, requests[i].Payload);
                    answered?.Invoke(i, payloads[i]);
                }
            }

            return payloads;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsStream)
        {
            _stream.Dispose();
        }

        CloseRoutes();
    }

    /// <summary>One request, bulk or not, to its RSP (with the payload assembled) or NAK. In a pipeline it waits for
    /// its turn to go on the wire and gives the turn on once its request (or upload's COMMIT) is sent.</summary>
    private Frame Exchange(Conversation exchange, Opcode opcode, byte[] payload)
    {
        try
        {
            exchange.WaitForTurn();
            Frame request;
            if (payload.Length <= _maxPayload)
            {
                request = new Frame(FrameKind.Request, exchange.Sequence, opcode, FrameFlags.None, payload);
            }
            else
            {
                var descriptor = BulkDescriptor.Of(payload);
                var refused = Upload(exchange, opcode, payload, descriptor);
                if (refused is not null)
                {
                    return refused;
                }

                request = new Frame(FrameKind.Request, exchange.Sequence, opcode, FrameFlags.Commit, descriptor.Encode());
            }

            var answer = Transact(exchange, request, AnswerKind.Response, exchange.EndTurn);
            if (answer.Kind == FrameKind.Response && answer.Flags.HasFlag(FrameFlags.Begin))
            {
                return answer with { Flags = FrameFlags.None, Payload = Download(exchange, answer, Decode(opcode, answer.Payload, BulkDescriptor.Decode)) };
            }

            return answer;
        }
        finally
        {
            exchange.EndTurn();
        }
    }

    /// <summary>BEGIN, then DATA frames with at most the granted credit beyond the acknowledged offset; after a timeout
    /// without progress, goes back to the acknowledged offset. Returns a NAK frame if the device refused.</summary>
    private Frame? Upload(Conversation exchange, Opcode opcode, byte[] payload, BulkDescriptor descriptor)
    {
        var sequence = exchange.Sequence;
        var beginFrame = new Frame(FrameKind.Request, sequence, opcode, FrameFlags.Begin, descriptor.Encode());
        var chunk = _maxPayload - DataChunk.OffsetSize;
        long acked = 0, sent = 0;
        var credit = _window;

        // In a pipeline (1.3) the DATA follow the BEGIN at once, within the negotiated window: waiting for the BEGIN's
        // ACK would wait behind the answer the rig is sending on the other half of the line.
        if (exchange.Pipelined)
        {
            Send(beginFrame);
        }
        else
        {
            var begin = Transact(exchange, beginFrame, AnswerKind.Ack);
            if (begin.Kind == FrameKind.Nak)
            {
                return begin;
            }

            var ack = Decode(opcode, begin.Payload, TransferAck.Decode);
            acked = sent = Math.Min(ack.Offset, descriptor.Length);
            credit = Math.Max((ushort)1, ack.Credit);
        }

        var stalls = 0;
        while (acked < payload.Length)
        {
            while (sent < payload.Length && sent < acked + ((long)credit * chunk))
            {
                var length = (int)Math.Min(chunk, payload.Length - sent);
                Send(new Frame(FrameKind.Data, sequence, opcode, FrameFlags.None, DataChunk.Encode((uint)sent, payload.AsSpan((int)sent, length))));
                sent += length;
            }

            var frame = Receive(exchange, Deadline(Options.Timeout), opcode);
            if (frame is null)
            {
                if (BulkRetry(exchange, opcode, ref stalls))
                {
                    if (acked == 0)
                    {
                        // Nothing acknowledged: the BEGIN itself may be what was lost.
                        Send(beginFrame);
                    }

                    sent = acked;
                }

                continue;
            }

            if (frame.Kind == FrameKind.Nak)
            {
                return frame;
            }

            if (frame.Kind == FrameKind.Ack && !frame.Flags.HasFlag(FrameFlags.Working))
            {
                var progress = Decode(opcode, frame.Payload, TransferAck.Decode);
                credit = Math.Max((ushort)1, progress.Credit);
                if (progress.Offset > acked)
                {
                    acked = Math.Min(progress.Offset, descriptor.Length);
                    sent = Math.Max(sent, acked);
                    stalls = 0;
                }
            }
        }

        return null;
    }

    /// <summary>Pulls a bulk response: ACKs grant credit, each in-order DATA frame is acknowledged, and a timeout
    /// asks the device to resend from the acknowledged offset.</summary>
    private byte[] Download(Conversation exchange, Frame response, BulkDescriptor descriptor)
    {
        var (sequence, opcode) = (response.Sequence, response.Opcode);
        if (descriptor.Length > int.MaxValue / 2)
        {
            throw new AimcException($"rig on {Port} announced a {descriptor.Length}-byte {OpcodeNames.Of(opcode)} response, more than this host accepts");
        }

        var buffer = new byte[descriptor.Length];
        var received = 0;
        var stalls = 0;
        SendAck(sequence, opcode, FrameFlags.None, 0);
        while (received < buffer.Length)
        {
            var frame = Receive(exchange, Deadline(Options.Timeout), opcode);
            if (frame is null)
            {
                if (BulkRetry(exchange, opcode, ref stalls))
                {
                    SendAck(sequence, opcode, FrameFlags.Resend, received);
                }

                continue;
            }

            if (frame.Kind != FrameKind.Data)
            {
                continue;
            }

            var chunk = Decode(opcode, frame.Payload, DataChunk.Decode);
            if (chunk.Offset == (uint)received && chunk.Bytes.Length <= buffer.Length - received && chunk.Bytes.Length > 0)
            {
                chunk.Bytes.CopyTo(buffer, received);
                received += chunk.Bytes.Length;
                stalls = 0;
                SendAck(sequence, opcode, FrameFlags.None, received);
            }
        }

        if (Crc32C.Compute(buffer) != descriptor.Crc)
        {
            throw new AimcException($"rig on {Port} sent a {OpcodeNames.Of(opcode)} response that does not match its CRC 0x{descriptor.Crc:X8}: the firmware assembles bulk responses wrongly");
        }

        return buffer;
    }

    /// <summary>A bulk transfer's wait ended without a frame: true when the caller is to resend (counted as a retry),
    /// false when the wait is excused (the rig is still busy with another request of the pipeline); the
    /// <see cref="HostSessionOptions.Attempts"/>-th stall since the last progress ends the transfer.</summary>
    private bool BulkRetry(Conversation exchange, Opcode opcode, ref int stalls)
    {
        if (exchange.Excused)
        {
            return false;
        }

        if (++stalls >= Options.Attempts)
        {
            throw NoAnswer(opcode);
        }

        Counters.CountRetry();
        return true;
    }

    private void SendAck(ushort sequence, Opcode opcode, FrameFlags flags, int offset) =>
        Send(new Frame(FrameKind.Ack, sequence, opcode, flags, new TransferAck((uint)offset, _window).Encode()));

    /// <summary>Sends a request frame and waits for its answer, sending the same frame (same sequence number) again
    /// after each timeout. Once the device has said WORKING, a silence is the chip computing, not a lost frame: the
    /// request is sent again at doubling intervals (a lost answer is then replayed from the device's cache) until the
    /// execution timeout. In a pipeline, silence while the rig is still busy with the others is not counted.</summary>
    /// <param name="sent">Called once the request is first on the wire.</param>
    private Frame Transact(Conversation exchange, Frame request, AnswerKind expected, Action? sent = null)
    {
        var attempt = 1;
        var interval = Options.Timeout;
        long? workingUntil = null;
        Send(request);
        sent?.Invoke();
        var deadline = Deadline(Options.Timeout);
        while (true)
        {
            var frame = Receive(exchange, deadline, request.Opcode);
            if (frame is null && workingUntil is null && exchange.Excused)
            {
                // The rig has not reached this request yet: it is executing or answering one sent before it.
                deadline = Deadline(Options.Timeout);
                continue;
            }

            if (frame is null)
            {
                if (workingUntil is { } until)
                {
                    if (Stopwatch.GetTimestamp() >= until)
                    {
                        throw new AimcException($"rig on {Port} accepted {OpcodeNames.Of(request.Opcode)} but gave no answer within {Options.ExecuteTimeout.TotalSeconds:0} s: it may have hung; power-cycle the bridge");
                    }

                    interval *= 2;
                    deadline = Math.Min(Deadline(interval), until);
                }
                else if (++attempt > Options.Attempts)
                {
                    throw NoAnswer(request.Opcode);
                }
                else
                {
                    deadline = Deadline(Options.Timeout);
                }

                Counters.CountRetry();
                Send(request);
                continue;
            }

            if (frame.Kind == FrameKind.Nak)
            {
                exchange.Executed();
                return frame;
            }

            if (frame.Kind == FrameKind.Ack && frame.Flags.HasFlag(FrameFlags.Working))
            {
                exchange.Working();
                workingUntil ??= Deadline(Options.ExecuteTimeout);
                deadline = Math.Min(Deadline(interval), workingUntil.Value);
                continue;
            }

            if ((expected == AnswerKind.Response && frame.Kind == FrameKind.Response) || (expected == AnswerKind.Ack && frame.Kind == FrameKind.Ack))
            {
                exchange.Executed();
                return frame;
            }
        }
    }

    /// <summary>The next frame of this exchange, or null at the deadline; frames of its sequence with another
    /// opcode are counted as stale and skipped.</summary>
    private Frame? Receive(Conversation exchange, long deadline, Opcode opcode)
    {
        while (true)
        {
            var wait = Math.Max(0, (long)(deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            Frame? frame;
            try
            {
                if (!exchange.Inbox.TryTake(out frame, (int)Math.Min(wait, int.MaxValue)))
                {
                    if (exchange.Inbox.IsCompleted)
                    {
                        throw Closed();
                    }

                    return null;
                }
            }
            catch (InvalidOperationException)
            {
                throw Closed();
            }

            if (frame.Opcode != opcode)
            {
                Counters.CountStale();
                continue;
            }

            return frame;
        }
    }

    /// <summary>Starts listening for the frames of <paramref name="sequence"/> (before its request is sent, so no
    /// answer can arrive unrouted).</summary>
    private Conversation Open(ushort sequence, Pipeline? pipeline = null, int index = 0)
    {
        var inbox = new BlockingCollection<Frame>();
        _routes[sequence] = inbox;
        if (_lineClosed)
        {
            inbox.CompleteAdding();
        }

        return new Conversation(sequence, inbox, pipeline, index, () => _routes.TryRemove(new KeyValuePair<ushort, BlockingCollection<Frame>>(sequence, inbox)));
    }

    /// <summary>The line is gone: every exchange waiting for a frame learns it at once.</summary>
    private void CloseRoutes()
    {
        _lineClosed = true;
        foreach (var inbox in _routes.Values)
        {
            try
            {
                inbox.CompleteAdding();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void Send(Frame frame)
    {
        var bytes = FrameCodec.Encode(frame);
        try
        {
            // Exchanges in a pipeline send from their own threads: a frame goes on the wire whole.
            lock (_sendGate)
            {
                _stream.Write(bytes);
                _stream.Flush();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
        {
            throw new AimcException($"rig on {Port} could not be written to ({e.Message}): is it still connected?", e);
        }

        Counters.CountSent(bytes.Length);
    }

    private void ReadLoop()
    {
        var buffer = new byte[16384];
        try
        {
            while (!_disposed)
            {
                var n = _stream.Read(buffer);
                if (n == 0)
                {
                    break;
                }

                Counters.CountReceived(n);
                var frames = _decoder.Push(buffer.AsSpan(0, n));
                Counters.DroppedFrames = _decoder.DroppedFrames;
                foreach (var frame in frames)
                {
                    Route(frame);
                }
            }
        }
        catch (Exception e)
        {
            // Whatever ended the line (a closed pipe, a port that went away, a transport's own AimcException) is
            // reported by the next request; a background thread must never take the process down.
            _readFailure = e;
        }
        finally
        {
            CloseRoutes();
        }
    }

    /// <summary>Hands a frame to the exchange of its sequence number; events and late answers to an exchange that has
    /// ended (an earlier attempt's) are counted.</summary>
    private void Route(Frame frame)
    {
        if (frame.Kind == FrameKind.Event)
        {
            Counters.CountEvent();
        }
        else if (_routes.TryGetValue(frame.Sequence, out var inbox))
        {
            try
            {
                inbox.Add(frame);
            }
            catch (InvalidOperationException)
            {
                Counters.CountStale();
            }
        }
        else
        {
            Counters.CountStale();
        }
    }

    private ushort NextSequence()
    {
        // 0 is never used, so a device's empty response cache (sequence 0) can never match a request.
        _sequence = _sequence == ushort.MaxValue ? (ushort)1 : (ushort)(_sequence + 1);
        return _sequence;
    }

    private T Decode<T>(Opcode opcode, byte[] payload, Func<byte[], T> decode)
    {
        try
        {
            return decode(payload);
        }
        catch (MalformedPayloadException e)
        {
            throw new AimcException($"rig on {Port} sent a malformed {OpcodeNames.Of(opcode)} answer ({e.Message}): do firmware and host speak the same protocol version?", e);
        }
    }

    private static long Deadline(TimeSpan wait) => Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);

    private AimcException NoAnswer(Opcode opcode) => new(
        $"rig on {Port} did not answer {OpcodeNames.Of(opcode)} within {Options.Timeout.TotalMilliseconds:0} ms after {Options.Attempts} attempts: " +
        (Options.Timeout < ShortestPlausibleAnswer
            ? $"{Options.Timeout.TotalMilliseconds:0} ms is less than a rig takes to answer; allow {ShortestPlausibleAnswer.TotalMilliseconds:0} ms or more (timeout_ms, --timeout-ms)"
            : "is the bridge powered and the port right?"));

    /// <summary>Below this an unanswered request says more about the timeout than about the rig: a USB bridge's
    /// round trip alone is about a millisecond, a PROGRAM's far longer.</summary>
    private static readonly TimeSpan ShortestPlausibleAnswer = TimeSpan.FromMilliseconds(50);

    private AimcException Closed() => _disposed
        ? new AimcException($"the session with the rig on {Port} is closed")
        : new AimcException($"rig on {Port} closed the connection{(_readFailure is null ? string.Empty : $" ({_readFailure.Message})")}: is it still connected?");

    /// <summary>Which answer ends a transaction besides a NAK.</summary>
    private enum AnswerKind
    {
        Response,
        Ack,
    }
}
