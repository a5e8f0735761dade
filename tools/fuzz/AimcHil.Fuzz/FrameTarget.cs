using AimcHil.Protocol;

namespace AimcHil.Fuzz;

/// <summary>Raw line bytes into the frame decoder, in chunks of a size the input picks; every frame that comes out must
/// re-encode to itself, and its payload goes through every message parser, as either end of the link would.</summary>
internal sealed class FrameTarget : FuzzTarget
{
    public override string Name => "frame";

    protected override void Execute(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        // The first byte sets how the bytes arrive: a UART hands over runs of any length, frames split anywhere.
        var chunk = input[0] + 1;
        var decoder = new FrameDecoder();
        for (var at = 1; at < input.Length; at += chunk)
        {
            foreach (var frame in decoder.Push(input.AsSpan(at, Math.Min(chunk, input.Length - at))))
            {
                RoundTrip(frame);
                ParseEveryLayout(frame.Payload);
            }
        }
    }

    protected override bool IsDocumentedRefusal(Exception e) => e is MalformedPayloadException;

    private static void RoundTrip(Frame frame)
    {
        var wire = FrameCodec.Encode(frame);
        var again = FrameCodec.Decode(wire.AsSpan(0, wire.Length - 1));
        if (again.Frame is null || !again.Frame.Equals(frame))
        {
            throw new FuzzFinding($"{frame} re-encoded decodes to {again.Frame?.ToString() ?? again.Rejection.ToString()}");
        }
    }

    /// <summary>Each parser on its own: one that refuses must not stop the next from being tried.</summary>
    private static void ParseEveryLayout(byte[] payload)
    {
        Action<byte[]>[] parsers =
        [
            p => HelloRequest.Decode(p), p => RigHello.Decode(p), p => MvmRequest.Decode(p), p => ProgramRequest.Decode(p),
            p => ChipInfoLayout.Decode(p), p => DeviceStatesLayout.Decode(p), p => MvmResultLayout.Decode(p),
            p => ProgrammingReportLayout.Decode(p), p => NakMessage.Decode(p), p => BulkDescriptor.Decode(p),
            p => TransferAck.Decode(p), p => DataChunk.Decode(p), p => ClockReading.Decode(p),
        ];
        foreach (var parse in parsers)
        {
            try
            {
                parse(payload);
            }
            catch (MalformedPayloadException)
            {
            }
        }
    }
}
