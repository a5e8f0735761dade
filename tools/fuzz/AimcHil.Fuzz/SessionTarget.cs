using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Protocol;
using AimcHil.Rig;

namespace AimcHil.Fuzz;

/// <summary>A host's frames (see <see cref="SessionScript"/>) into a <see cref="DeviceServer"/> serving a small emulated
/// chip with a fixed seed. The server must outlive any input, answer only in well-formed frames, and never answer
/// INTERNAL: that NAK is its stack trace, an exception nobody expected.</summary>
internal sealed class SessionTarget : FuzzTarget
{
    /// <summary>Small enough to build per input (each input meets a freshly booted chip, so runs do not depend on the
    /// inputs before them), two tiles so that tile numbers matter, every non-ideality of the preset kept.</summary>
    private static readonly Lazy<ChipPreset> Preset = new(() =>
        RigFileReader.Read(Path.Combine(RepositoryFiles.Rigs, "pcm-current-256.yaml")).Chip! with { Rows = 8, Cols = 8, Tiles = 2 });

    public const ulong Seed = 11;

    public override string Name => "session";

    protected override void Execute(byte[] input)
    {
        var wire = new MemoryStream();
        foreach (var frame in SessionScript.Frames(input))
        {
            wire.Write(FrameCodec.Encode(frame));
        }

        using var chip = new EmulatedChip(Preset.Value, Seed);
        var line = new ScriptedLine(wire.ToArray());
        // 1 MiB instead of 64 MiB of bulk buffer: an upload allocates what BEGIN announces, and runs per second are
        // what finds bugs; the limit's check is the same code either way.
        new DeviceServer(chip, line, new DeviceServerOptions { MaxObjectBytes = 1 << 20 }).Run();
        CheckAnswers(line.Written);
    }

    // Nothing a host sends is documented to make the server throw: it answers with NAKs.
    protected override bool IsDocumentedRefusal(Exception e) => false;

    private static void CheckAnswers(byte[] written)
    {
        var decoder = new FrameDecoder();
        foreach (var answer in decoder.Push(written))
        {
            if (answer.Kind == FrameKind.Nak && NakMessage.Decode(answer.Payload) is { Code: ErrorCode.Internal } nak)
            {
                throw new FuzzFinding($"the server answered {answer} with INTERNAL: {nak.Message}");
            }
        }

        if (decoder.DroppedFrames > 0)
        {
            throw new FuzzFinding($"the server wrote {decoder.DroppedFrames} malformed frame(s): {decoder.LastRejection}");
        }
    }
}
