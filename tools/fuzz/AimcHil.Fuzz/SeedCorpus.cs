using System.Text.Json;
using AimcHil.Core;
using AimcHil.Protocol;

namespace AimcHil.Fuzz;

/// <summary>Writes the starting inputs of every target: the golden frames (firmware-protocol/vectors/), whole host
/// sessions built from the message encoders (bulk transfers included), the rig presets (hil-rigs/), and .npy files of
/// every dtype the reader takes. afl-fuzz mutates from these, so each should be valid and reach deep.</summary>
internal static class SeedCorpus
{
    public static void Write(string folder)
    {
        foreach (var target in FuzzTarget.All)
        {
            Directory.CreateDirectory(Path.Combine(folder, target.Name));
        }

        var golden = GoldenWires();
        foreach (var (name, wire) in golden)
        {
            // Prefix: the frame target's chunk-size byte (0xFF: the whole frame in one read).
            Save(folder, "frame", name, [0xFF, .. wire]);
            if (FrameCodec.Decode(wire.AsSpan(0, wire.Length - 1)).Frame is { Kind: FrameKind.Request or FrameKind.Data or FrameKind.Ack } frame)
            {
                Save(folder, "session", name, SessionScript.Of([Hello(0, 4096), frame]));
            }
        }

        Save(folder, "frame", "all-golden-bytewise", [0x00, .. golden.SelectMany(g => g.Wire)]);
        foreach (var (name, frames) in Sessions())
        {
            Save(folder, "session", name, SessionScript.Of(frames));
            Save(folder, "frame", name, [0x0F, .. frames.SelectMany(FrameCodec.Encode)]);
        }

        foreach (var preset in Directory.GetFiles(RepositoryFiles.Rigs, "*.yaml"))
        {
            Save(folder, "rigfile", Path.GetFileNameWithoutExtension(preset), File.ReadAllBytes(preset));
        }

        foreach (var (name, bytes) in NpyFiles())
        {
            Save(folder, "npy", name, bytes);
        }
    }

    private static void Save(string folder, string target, string name, byte[] bytes) =>
        File.WriteAllBytes(Path.Combine(folder, target, name), bytes);

    private static List<(string Name, byte[] Wire)> GoldenWires()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Vectors));
        return json.RootElement.GetProperty("vectors").EnumerateArray()
            .Select(v => (v.GetProperty("name").GetString()!, Convert.FromHexString(v.GetProperty("wire").GetString()!)))
            .ToList();
    }

    private static Frame Hello(ushort sequence, uint maxPayload) =>
        Request(sequence, Opcode.Hello, new HelloRequest(ProtocolVersion.Major, ProtocolVersion.Minor, maxPayload, 8).Encode());

    private static Frame Request(ushort sequence, Opcode opcode, byte[] payload, FrameFlags flags = FrameFlags.None) =>
        new(FrameKind.Request, sequence, opcode, flags, payload);

    /// <summary>Sessions against the session target's 8×8, two-tile chip, as a host would run them.</summary>
    private static IEnumerable<(string Name, Frame[] Frames)> Sessions()
    {
        var targets = new Grid<float>(8, 8, Enumerable.Range(0, 64).Select(i => (i % 9 / 4f) - 1).ToArray());
        var mask = new Grid<bool>(8, 8, Enumerable.Range(0, 64).Select(i => i % 3 == 0).ToArray());
        var program = new ProgramRequest(0, targets, new WriteVerifyOptions(true, 0.05, 10), null).Encode();
        var partial = new ProgramRequest(1, targets, new WriteVerifyOptions(false, 0, 1), mask).Encode();
        var mvm = new MvmRequest(0, new Grid<int>(2, 8, Enumerable.Range(0, 16).Select(i => (i * 37 % 255) - 127).ToArray())).Encode();
        var clock = new PayloadWriter(8).F64(3600).ToArray();
        var seed = new PayloadWriter(8).U64(42).ToArray();

        yield return ("session-every-request",
        [
            Hello(0, 4096), Request(1, Opcode.GetInfo, []), Request(2, Opcode.Program, program), Request(3, Opcode.Mvm, mvm),
            Request(4, Opcode.ReadBack, new PayloadWriter(4).I32(0).ToArray()), Request(5, Opcode.ClockGet, []),
            Request(6, Opcode.ClockAdvance, clock), Request(7, Opcode.Mvm, mvm), Request(8, Opcode.Program, partial),
            Request(9, Opcode.Reseed, seed), Request(9, Opcode.Reseed, seed), Request(10, Opcode.Mvm, mvm),
        ]);

        // The smallest payload HELLO allows (64 bytes), so PROGRAM goes up and READBACK comes down in bulk.
        const ushort upload = 2, download = 3;
        var frames = new List<Frame> { Hello(0, 64), Request(1, Opcode.GetInfo, []) };
        var descriptor = BulkDescriptor.Of(program).Encode();
        frames.Add(Request(upload, Opcode.Program, descriptor, FrameFlags.Begin));
        const int chunk = 64 - DataChunk.OffsetSize;
        for (var offset = 0; offset < program.Length; offset += chunk)
        {
            var bytes = program.AsSpan(offset, Math.Min(chunk, program.Length - offset));
            frames.Add(new Frame(FrameKind.Data, upload, Opcode.Program, FrameFlags.None, DataChunk.Encode((uint)offset, bytes)));
        }

        frames.Add(Request(upload, Opcode.Program, descriptor, FrameFlags.Commit));
        frames.Add(Request(download, Opcode.ReadBack, new PayloadWriter(4).I32(0).ToArray()));
        frames.Add(new Frame(FrameKind.Ack, download, Opcode.ReadBack, FrameFlags.None, new TransferAck(0, 8).Encode()));
        frames.Add(new Frame(FrameKind.Ack, download, Opcode.ReadBack, FrameFlags.Resend, new TransferAck(60, 2).Encode()));
        frames.Add(new Frame(FrameKind.Ack, download, Opcode.ReadBack, FrameFlags.None, new TransferAck(480, 8).Encode()));
        yield return ("session-bulk", [.. frames]);
    }

    /// <summary>Every dtype the reader takes, both format versions, 0-d and empty arrays, and two arrays in one stream;
    /// written by hand, not by our writer, so the seeds do not share its blind spots.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> NpyFiles()
    {
        yield return ("f4-2x3", NpyFile("<f4", "(2, 3)", 24));
        yield return ("f8-4", NpyFile("<f8", "(4,)", 32));
        yield return ("i2-3", NpyFile("<i2", "(3,)", 6));
        yield return ("i4-2x2-fortran", NpyFile("<i4", "(2, 2)", 16, fortran: true));
        yield return ("i8-0d", NpyFile("<i8", "()", 8));
        yield return ("i1-3x1x2", NpyFile("|i1", "(3, 1, 2)", 6));
        yield return ("u1-empty", NpyFile("|u1", "(0, 5)", 0));
        yield return ("u2-2-v2", NpyFile("<u2", "(2,)", 4, major: 2));
        yield return ("two-arrays", [.. NpyFile("<i4", "(3,)", 12), .. NpyFile("<f4", "(1,)", 4)]);
    }

    private static byte[] NpyFile(string dtype, string shape, int dataBytes, bool fortran = false, byte major = 1)
    {
        var lengthField = major == 1 ? 2 : 4;
        var header = $"{{'descr': '{dtype}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        var padded = header.PadRight(((8 + lengthField + header.Length + 1 + 63) / 64 * 64) - 8 - lengthField - 1) + "\n";
        var file = new MemoryStream();
        file.Write([0x93, .. "NUMPY"u8, major, 0]);
        file.Write(BitConverter.GetBytes(padded.Length).AsSpan(0, lengthField));
        file.Write(System.Text.Encoding.Latin1.GetBytes(padded));
        // Data with zeros, small values and all-ones bytes, so each dtype sees negative and extreme elements.
        file.Write(Enumerable.Range(0, dataBytes).Select(i => (byte)(i % 3 == 2 ? 0xFF : i)).ToArray());
        return file.ToArray();
    }
}
