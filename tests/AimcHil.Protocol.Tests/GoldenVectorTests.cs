using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AimcHil.Protocol.Tests;

/// <summary>The golden frames of firmware-protocol/vectors: each decodes to its fields and re-encodes byte for byte.</summary>
public class GoldenVectorTests
{
    private static readonly Dictionary<string, string> KindNames = new()
    {
        [nameof(FrameKind.Request)] = "REQ",
        [nameof(FrameKind.Response)] = "RSP",
        [nameof(FrameKind.Nak)] = "NAK",
        [nameof(FrameKind.Data)] = "DATA",
        [nameof(FrameKind.Ack)] = "ACK",
        [nameof(FrameKind.Event)] = "EVT",
    };

    public static TheoryData<string> Names() => [.. GoldenVectors.All.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void EachVectorDecodesToItsMeaningAndReencodesByteForByte(string name)
    {
        var stored = Load().Single(v => (string)v!["name"]! == name)!;
        var expected = GoldenVectors.All.Single(v => v.Name == name).Frame;
        var wire = Convert.FromHexString((string)stored["wire"]!);

        var frames = new FrameDecoder().Push(wire);

        var frame = Assert.Single(frames);
        Assert.Equal(expected, frame);
        Assert.Equal((int)stored["version"]!, frame.Version);
        Assert.Equal((string)stored["kind"]!, KindNames[frame.Kind.ToString()]);
        Assert.Equal((int)stored["sequence"]!, frame.Sequence);
        Assert.Equal((string)stored["opcode"]!, OpcodeNames.Of(frame.Opcode));
        Assert.Equal((int)stored["flags"]!, (int)frame.Flags);
        Assert.Equal((string)stored["payload"]!, Convert.ToHexString(frame.Payload));
        var raw = FrameCodec.ToRaw(frame);
        Assert.Equal((string)stored["raw"]!, Convert.ToHexString(raw));
        Assert.Equal(Convert.ToUInt32((string)stored["crc"]!, 16), BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4)));
        Assert.Equal((string)stored["wire"]!, Convert.ToHexString(FrameCodec.Encode(frame)));
    }

    [Fact]
    public void TheFileHoldsExactlyTheVectorsTheTestsKnow()
    {
        Assert.Equal(GoldenVectors.All.Select(v => v.Name), Load().Select(v => (string)v!["name"]!));
    }

    [Fact]
    public void MessagePayloadsOfTheVectorsDecodeToTheirFields()
    {
        var hello = RigHello.Decode(Frame("hello-response").Payload);
        Assert.Equal((1, 0, 8, 4096u, "1.0.0", 1u), (hello.Major, hello.Minor, hello.Window, hello.MaxPayload, hello.FirmwareVersionText, hello.BootCounter));
        var program = ProgramRequest.Decode(Frame("program-request").Payload);
        Assert.Equal([0.5f, -0.25f, 1f, 0f], program.Targets.Data);
        Assert.Equal([true, false, false, true], program.Only!.Data);
        var mvm = MvmResultLayout.Decode(Frame("mvm-response").Payload);
        Assert.Equal(-3 * 0.25 - 0.5, mvm.ToMac(0, 1));
        var nak = NakMessage.Decode(Frame("chip-error-nak").Payload);
        Assert.Equal((ErrorCode.Chip, "weights of shape 40×32 do not fit a 32×32 tile"), (nak.Code, nak.Message));
    }

    /// <summary>Rewrites the vector file from <see cref="GoldenVectors"/> when AIMC_WRITE_VECTORS=1 (after a deliberate
    /// protocol change; review the diff).</summary>
    [Fact]
    public void WriteVectorsWhenAsked()
    {
        if (Environment.GetEnvironmentVariable("AIMC_WRITE_VECTORS") != "1")
        {
            return;
        }

        var vectors = new JsonArray();
        foreach (var (name, meaning, frame) in GoldenVectors.All)
        {
            var raw = FrameCodec.ToRaw(frame);
            vectors.Add(new JsonObject
            {
                ["name"] = name,
                ["meaning"] = meaning,
                ["version"] = frame.Version,
                ["kind"] = KindNames[frame.Kind.ToString()],
                ["sequence"] = frame.Sequence,
                ["opcode"] = OpcodeNames.Of(frame.Opcode),
                ["flags"] = (int)frame.Flags,
                ["payload"] = Convert.ToHexString(frame.Payload),
                ["crc"] = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4)).ToString("X8"),
                ["raw"] = Convert.ToHexString(raw),
                ["wire"] = Convert.ToHexString(FrameCodec.Encode(frame)),
            });
        }

        var document = new JsonObject
        {
            ["format"] = "aimc-hil firmware protocol golden frames; see firmware-protocol/vectors/README.md",
            ["protocol"] = $"{ProtocolVersion.Major}.{ProtocolVersion.Minor}",
            ["schema_hash"] = ProtocolVersion.SchemaHash.ToString("X8"),
            ["vectors"] = vectors,
        };
        File.WriteAllText(GoldenVectors.FilePath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    private static Frame Frame(string name) => GoldenVectors.All.Single(v => v.Name == name).Frame;

    private static JsonArray Load() => JsonNode.Parse(File.ReadAllText(GoldenVectors.FilePath))!["vectors"]!.AsArray();
}
