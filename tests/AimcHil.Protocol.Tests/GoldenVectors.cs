using AimcHil.Core;

namespace AimcHil.Protocol.Tests;

/// <summary>The frames of firmware-protocol/vectors/frames.json, built from the message types, with their meaning.</summary>
internal static class GoldenVectors
{
    public static string FilePath => Path.Combine(RepositoryPaths.Root, "firmware-protocol", "vectors", "frames.json");

    private static readonly byte[] HostNonce = [.. Enumerable.Range(32, 32).Select(b => (byte)b)];

    /// <summary>The HELLO answer of a rig that needs a secret, with the challenge 00 01 … 1F.</summary>
    private static readonly byte[] AuthHello = new RigHello(
        1, 1, 8, 4096, 0x010000, ProtocolVersion.SchemaHash11, Capabilities.Reseed | Capabilities.VirtualClock | Capabilities.Limits | Capabilities.Auth, 1, "aimc-hil virtual rig")
    {
        Limits = new RigLimits(1000, 60000, 64 << 20),
        Challenge = [.. Enumerable.Range(0, 32).Select(b => (byte)b)],
    }.Encode();

    private static readonly MvmResult PackedResult = new()
    {
        Codes = new Grid<int>(1, 2, [12, -3]),
        MacPerCode = [0.25, 0.25],
        MacOffset = [0, -0.5],
        SaturatedOutputs = 0,
    };

    private static readonly ProgrammingReport CellsReport = new()
    {
        Tile = 0,
        Targets = new Grid<float>(1, 2, [0.5f, -0.25f]),
        Representable = new Grid<float>(1, 2, [0.5f, -0.25f]),
        Achieved = new Grid<float>(1, 2, [0.484375f, -0.25f]),
        Pulses = new Grid<int>(1, 2, [3, 1]),
        TotalPulses = 4,
        Unconverged = [new CellAddress(0, 0)],
    };

    public static IReadOnlyList<(string Name, string Meaning, Frame Frame)> All { get; } =
    [
        ("hello-request", "host HELLO: protocol 1.0, window 8 frames, max payload 4096 bytes",
            new Frame(FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, new HelloRequest(1, 0, 4096, 8).Encode())),
        ("hello-response", "rig answer: protocol 1.0, window 8, max payload 4096, firmware 1.0.0, schema hash, capabilities RESEED|VIRTUAL_CLOCK, boot counter 1, name 'aimc-hil virtual rig'",
            new Frame(FrameKind.Response, 1, Opcode.Hello, FrameFlags.None,
                new RigHello(1, 0, 8, 4096, 0x010000, ProtocolVersion.SchemaHash10, Capabilities.Reseed | Capabilities.VirtualClock, 1, "aimc-hil virtual rig").Encode())),
        ("hello-required-nak", "NAK to MVM seq 5 after a reboot: error 0x0004 HELLO_REQUIRED",
            new Frame(FrameKind.Nak, 5, Opcode.Mvm, FrameFlags.None, new NakMessage(ErrorCode.HelloRequired, "the rig booted (boot counter 2) and serves nothing before HELLO").Encode())),
        ("get-info-request", "GET_INFO, empty payload",
            new Frame(FrameKind.Request, 2, Opcode.GetInfo, FrameFlags.None, [])),
        ("program-request", "PROGRAM tile 0, mask present, write-verify on, tolerance 0.02, 20 pulses, targets 2x2 [0.5, -0.25; 1, 0], mask 2x2 [1 0; 0 1]",
            new Frame(FrameKind.Request, 3, Opcode.Program, FrameFlags.None,
                new ProgramRequest(0, new Grid<float>(2, 2, [0.5f, -0.25f, 1f, 0f]), WriteVerifyOptions.Default, new Grid<bool>(2, 2, [true, false, false, true])).Encode())),
        ("mvm-request", "MVM tile 1, batch 1, n 3, codes [127, -127, 0]",
            new Frame(FrameKind.Request, 4, Opcode.Mvm, FrameFlags.None, new MvmRequest(1, new Grid<int>(1, 3, [127, -127, 0])).Encode())),
        ("mvm-response", "MVM result: batch 1, cols 2, 0 saturated, codes [12, -3], MacPerCode [0.25, 0.25], MacOffset [0, -0.5]",
            new Frame(FrameKind.Response, 4, Opcode.Mvm, FrameFlags.None, MvmResultLayout.Encode(new MvmResult
            {
                Codes = new Grid<int>(1, 2, [12, -3]),
                MacPerCode = [0.25, 0.25],
                MacOffset = [0, -0.5],
                SaturatedOutputs = 0,
            }))),
        ("readback-request", "READBACK tile 3",
            new Frame(FrameKind.Request, 6, Opcode.ReadBack, FrameFlags.None, new PayloadWriter().I32(3).ToArray())),
        ("clock-get-request", "CLOCK_GET, empty payload",
            new Frame(FrameKind.Request, 7, Opcode.ClockGet, FrameFlags.None, [])),
        ("clock-advance-request", "CLOCK_ADVANCE by 3600 s",
            new Frame(FrameKind.Request, 8, Opcode.ClockAdvance, FrameFlags.None, new PayloadWriter().F64(3600).ToArray())),
        ("clock-response", "clock reading: 3600.5 s, virtual",
            new Frame(FrameKind.Response, 8, Opcode.ClockAdvance, FrameFlags.None, new ClockReading(3600.5, true).Encode())),
        ("reseed-request", "RESEED with seed 42",
            new Frame(FrameKind.Request, 10, Opcode.Reseed, FrameFlags.None, new PayloadWriter().U64(42).ToArray())),
        ("bulk-begin", "PROGRAM seq 9 as a bulk upload: BEGIN, object of 262196 bytes with CRC-32C 0x12345678",
            new Frame(FrameKind.Request, 9, Opcode.Program, FrameFlags.Begin, new BulkDescriptor(262196, 0x12345678).Encode())),
        ("bulk-ack", "device ACK of seq 9: 8184 bytes received, credit 8 frames",
            new Frame(FrameKind.Ack, 9, Opcode.Program, FrameFlags.None, new TransferAck(8184, 8).Encode())),
        ("bulk-data", "DATA of seq 9 at offset 4092: bytes 01 02 03 00 04 (a zero inside, stuffed by COBS)",
            new Frame(FrameKind.Data, 9, Opcode.Program, FrameFlags.None, DataChunk.Encode(4092, [1, 2, 3, 0, 4]))),
        ("bulk-commit", "COMMIT of seq 9: execute PROGRAM on the 262196-byte object with CRC-32C 0x12345678",
            new Frame(FrameKind.Request, 9, Opcode.Program, FrameFlags.Commit, new BulkDescriptor(262196, 0x12345678).Encode())),
        ("working-ack", "device ACK WORKING for seq 9: executing, wait the execution timeout",
            new Frame(FrameKind.Ack, 9, Opcode.Program, FrameFlags.Working, [])),
        ("download-resend", "host ACK RESEND for a bulk response of seq 11: send again from offset 4092, credit 8",
            new Frame(FrameKind.Ack, 11, Opcode.ReadBack, FrameFlags.Resend, new TransferAck(4092, 8).Encode())),
        ("chip-error-nak", "NAK to PROGRAM seq 12: error 0x0008 CHIP with the chip's message (UTF-8, with a multiplication sign)",
            new Frame(FrameKind.Nak, 12, Opcode.Program, FrameFlags.None, new NakMessage(ErrorCode.Chip, "weights of shape 40×32 do not fit a 32×32 tile").Encode())),
        ("boot-event", "EVT BOOT: the device booted, boot counter 3",
            new Frame(FrameKind.Event, 0, Opcode.Boot, FrameFlags.None, new PayloadWriter().U32(3).ToArray())),
        ("hello-request-1.1", "host HELLO: protocol 1.1, window 8 frames, max payload 4096 bytes",
            new Frame(FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, new HelloRequest(1, 1, 4096, 8).Encode())),
        ("hello-response-1.1", "rig answer to a 1.1 host: protocol 1.1, window 8, max payload 4096, firmware 1.0.0, schema hash of 1.1, capabilities RESEED|VIRTUAL_CLOCK|LIMITS, boot counter 1, name 'aimc-hil virtual rig', then limits: 1000 pulses per device, idle timeout 60000 ms, objects up to 67108864 bytes",
            new Frame(FrameKind.Response, 1, Opcode.Hello, FrameFlags.None,
                new RigHello(1, 1, 8, 4096, 0x010000, ProtocolVersion.SchemaHash11, Capabilities.Reseed | Capabilities.VirtualClock | Capabilities.Limits, 1, "aimc-hil virtual rig")
                {
                    Limits = new RigLimits(1000, 60000, 64 << 20),
                }.Encode())),
        ("hello-response-auth", "rig answer to a 1.1 host when a shared secret is needed: as hello-response-1.1 with capability AUTH too, then the 32-byte challenge nonce 00 01 02 … 1F",
            new Frame(FrameKind.Response, 1, Opcode.Hello, FrameFlags.None, AuthHello)),
        ("auth-request", "AUTH seq 2: host nonce 20 21 … 3F, then HMAC-SHA256 keyed with the secret 'aimc' over 'aimc-hil/1.1 auth host' | the hello-response-auth payload | the host nonce",
            new Frame(FrameKind.Request, 2, Opcode.Auth, FrameFlags.None,
                new AuthRequest(HostNonce, RigAuthentication.HostAnswer("aimc"u8.ToArray(), AuthHello, HostNonce)).Encode())),
        ("auth-response", "AUTH answer seq 2: the rig's proof, HMAC-SHA256 keyed with 'aimc' over 'aimc-hil/1.1 auth rig' | the hello-response-auth payload | the host nonce",
            new Frame(FrameKind.Response, 2, Opcode.Auth, FrameFlags.None, RigAuthentication.RigProof("aimc"u8.ToArray(), AuthHello, HostNonce))),
        ("auth-nak", "NAK to AUTH seq 2: error 0x000C AUTH, the answer does not match the rig's secret; the rig then closes the connection",
            new Frame(FrameKind.Nak, 2, Opcode.Auth, FrameFlags.None, new NakMessage(ErrorCode.Auth, "wrong shared secret: the host's secret file differs from the rig's").Encode())),
        ("busy-nak", "NAK to HELLO seq 1: error 0x000B BUSY, another host holds the rig; the rig then closes the connection",
            new Frame(FrameKind.Nak, 1, Opcode.Hello, FrameFlags.None, new NakMessage(ErrorCode.Busy, "another host (127.0.0.1:43210) holds it").Encode())),
        ("hello-request-1.2", "host HELLO: protocol 1.2, window 8 frames, max payload 4096 bytes",
            new Frame(FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, new HelloRequest(1, 2, 4096, 8).Encode())),
        ("hello-response-1.2", "rig answer to a 1.2 host: protocol 1.2, window 8, max payload 4096, firmware 1.0.0, schema hash of 1.2, capabilities RESEED|VIRTUAL_CLOCK|LIMITS, boot counter 1, name 'aimc-hil virtual rig', then limits: 1000 pulses per device, idle timeout 60000 ms, objects up to 67108864 bytes",
            new Frame(FrameKind.Response, 1, Opcode.Hello, FrameFlags.None,
                new RigHello(1, 2, 8, 4096, 0x010000, ProtocolVersion.SchemaHash12, Capabilities.Reseed | Capabilities.VirtualClock | Capabilities.Limits, 1, "aimc-hil virtual rig")
                {
                    Limits = new RigLimits(1000, 60000, 64 << 20),
                }.Encode())),
        ("mvm-packed-request", "MVM_PACKED tile 1, batch 2, n 3, known scales none (0), 8-bit codes [127, -127, 0; 5, -6, 7]: one byte each, two's complement",
            new Frame(FrameKind.Request, 4, Opcode.MvmPacked, FrameFlags.None, new MvmPackedRequest(1, new Grid<int>(2, 3, [127, -127, 0, 5, -6, 7]), 0, 8).Encode())),
        ("mvm-packed-request-6bit", "MVM_PACKED tile 0, batch 1, n 5, known scales 0x89ABCDEF, 6-bit codes [31, -31, 0, 1, -1] bit-packed LSB-first: 30 bits in 4 bytes, the top 2 bits zero",
            new Frame(FrameKind.Request, 5, Opcode.MvmPacked, FrameFlags.None, new MvmPackedRequest(0, new Grid<int>(1, 5, [31, -31, 0, 1, -1]), 0x89ABCDEF, 6).Encode())),
        ("mvm-packed-response", "MVM_PACKED answer: batch 1, cols 2, 0 saturated, 8-bit signed codes [12, -3], CRC-32C of the scales, scales sent: MacPerCode [0.25, 0.25], MacOffset [0, -0.5]",
            new Frame(FrameKind.Response, 4, Opcode.MvmPacked, FrameFlags.None, MvmPackedResultLayout.Encode(PackedResult, -128, 127, 0))),
        ("mvm-packed-response-held", "MVM_PACKED answer to a host that holds the scales (its request named their CRC): as mvm-packed-response with the scales left out",
            new Frame(FrameKind.Response, 6, Opcode.MvmPacked, FrameFlags.None,
                MvmPackedResultLayout.Encode(PackedResult, -128, 127, MvmPackedResultLayout.ScalesCrc(PackedResult.MacPerCode, PackedResult.MacOffset)))),
        ("mvm-packed-response-10bit", "MVM_PACKED answer of a 10-bit unsigned ADC (codes 0..1023): batch 1, cols 3, 1 saturated, codes [1023, 0, 512] bit-packed LSB-first in 4 bytes, scales sent: MacPerCode [1, 1, 1], MacOffset [-512, -512, -512]",
            new Frame(FrameKind.Response, 7, Opcode.MvmPacked, FrameFlags.None, MvmPackedResultLayout.Encode(new MvmResult
            {
                Codes = new Grid<int>(1, 3, [1023, 0, 512]),
                MacPerCode = [1, 1, 1],
                MacOffset = [-512, -512, -512],
                SaturatedOutputs = 1,
            }, 0, 1023, 0))),
        ("program-cells-request-all", "PROGRAM_CELLS tile 0, write-verify on, tolerance 0.02, 20 pulses, 2x2 grid, short report, Q14 targets, selection ALL: [0.5, -0.25; 1, 0] as 8192, -4096, 16384, 0",
            new Frame(FrameKind.Request, 3, Opcode.ProgramCells, FrameFlags.None,
                new ProgramCellsRequest(0, new Grid<float>(2, 2, [0.5f, -0.25f, 1f, 0f]), WriteVerifyOptions.Default, null, TargetFormat.Q14, ProgrammingDetail.Summary).Encode())),
        ("program-cells-request-gaps", "PROGRAM_CELLS tile 2, single pulse (verify off, tolerance 0, 1 pulse), 16x16 grid, short report, Q14 targets, selection GAPS (7 bytes, against 32 for a bitmap): count 3, cells at indices 1, 6, 200 as gaps 1, 4, 193 in LEB128 (01 04 C1 01), targets 0.125, -1, 0.75 as 2048, -16384, 12288",
            new Frame(FrameKind.Request, 8, Opcode.ProgramCells, FrameFlags.None,
                new ProgramCellsRequest(2, Sparse(16, 16, (1, 0.125f), (6, -1f), (200, 0.75f)), WriteVerifyOptions.SinglePulse, Selection(16, 16, 1, 6, 200), TargetFormat.Q14, ProgrammingDetail.Summary).Encode())),
        ("program-cells-request-bitmap", "PROGRAM_CELLS tile 0, write-verify on, tolerance 0.02, 20 pulses, 2x2 grid, per-weight report, f32 targets, selection BITMAP [1 0; 0 1] (one byte 0x09), targets 0.5 and 0",
            new Frame(FrameKind.Request, 9, Opcode.ProgramCells, FrameFlags.None,
                new ProgramCellsRequest(0, new Grid<float>(2, 2, [0.5f, -0.25f, 1f, 0f]), WriteVerifyOptions.Default, new Grid<bool>(2, 2, [true, false, false, true]), TargetFormat.F32, ProgrammingDetail.PerWeight).Encode())),
        ("program-cells-response", "PROGRAM_CELLS short answer: tile 0, 1x2 grid, 4 pulses in all, histogram of 4 bins [0, 1, 0, 1] (one weight took 1 pulse, one took 3), 1 unconverged weight at index 0 (row 0, col 0), no per-weight grids",
            new Frame(FrameKind.Response, 3, Opcode.ProgramCells, FrameFlags.None, ProgrammingSummaryLayout.Encode(CellsReport, ProgrammingDetail.Summary, (1, 2)))),
        ("program-cells-response-per-weight", "PROGRAM_CELLS answer with the per-weight grids asked for: as program-cells-response, then targets [0.5, -0.25], representable [0.5, -0.25], achieved [0.484375, -0.25], pulses [3, 1]",
            new Frame(FrameKind.Response, 9, Opcode.ProgramCells, FrameFlags.None, ProgrammingSummaryLayout.Encode(CellsReport, ProgrammingDetail.PerWeight, (1, 2)))),
        ("unknown-opcode-nak-1.1", "NAK to MVM_PACKED seq 4 in a session negotiated at 1.1: error 0x0001 UNKNOWN_OPCODE",
            new Frame(FrameKind.Nak, 4, Opcode.MvmPacked, FrameFlags.None, new NakMessage(ErrorCode.UnknownOpcode, "MVM_PACKED is protocol 1.2; this session speaks 1.1").Encode())),
        ("hello-request-1.3", "host HELLO: protocol 1.3, window 8 frames, max payload 4096 bytes",
            new Frame(FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, new HelloRequest(1, 3, 4096, 8).Encode())),
        ("hello-response-1.3", "rig answer to a 1.3 host: protocol 1.3, window 8, max payload 4096, firmware 1.0.0, schema hash of 1.3, capabilities RESEED|VIRTUAL_CLOCK|LIMITS|PIPELINE, boot counter 1, name 'aimc-hil virtual rig', then limits: 1000 pulses per device, idle timeout 60000 ms, objects up to 67108864 bytes, then pipeline depth 4 (u16)",
            new Frame(FrameKind.Response, 1, Opcode.Hello, FrameFlags.None,
                new RigHello(1, 3, 8, 4096, 0x010000, ProtocolVersion.SchemaHash, Capabilities.Reseed | Capabilities.VirtualClock | Capabilities.Limits | Capabilities.Pipeline, 1, "aimc-hil virtual rig")
                {
                    Limits = new RigLimits(1000, 60000, 64 << 20),
                    PipelineDepth = 4,
                }.Encode())),
    ];

    private static Grid<float> Sparse(int rows, int cols, params (int Index, float Target)[] cells)
    {
        var grid = new Grid<float>(rows, cols);
        foreach (var (index, target) in cells)
        {
            grid.Data[index] = target;
        }

        return grid;
    }

    private static Grid<bool> Selection(int rows, int cols, params int[] indices)
    {
        var grid = new Grid<bool>(rows, cols);
        foreach (var index in indices)
        {
            grid.Data[index] = true;
        }

        return grid;
    }
}
