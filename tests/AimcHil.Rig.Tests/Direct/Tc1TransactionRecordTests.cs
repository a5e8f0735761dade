using System.Device.Gpio;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>The golden SPI transaction records of the C firmware's `tc1` back-end
/// (firmware-protocol/firmware/test/tc1_transactions.json): what DirectChip puts on TC1's register bus, and what it
/// decodes from the answers, when it opens a 2×3 chip, programs a tile whole and masked, reads it back and runs an
/// MVM. The C test replays the answers through its own driver and must send the same bytes.</summary>
public class Tc1TransactionRecordTests
{
    private static readonly Tc1Geometry Geometry = new(2, 3, 2, 8);

    private static string FilePath => Path.Combine(RepositoryPaths.Root, "firmware-protocol", "firmware", "test", "tc1_transactions.json");

    /// <summary>An MCP3008 on the columns (3.3 V reference, buffers 1.65 ± 1.65 V): codes 0 and 1023 are its rails, so
    /// an output reading 0 or 1023 is not a measurement.</summary>
    private static DirectRigConfig Rig() => new()
    {
        DoneTimeoutMs = 100,
        MacFullScale = 8,
        Inputs = new InputStageConfig
        {
            MidVolts = 1.25,
            HalfSpanVolts = 1.25,
            Dacs = [new ConverterConfig { Part = "ad5676", Bus = 1, ChipSelect = 0, ReferenceVolts = 2.5, ChannelsUsed = 2 }],
        },
        Outputs = new OutputStageConfig
        {
            MidVolts = 1.65,
            HalfSpanVolts = 1.65,
            Adcs = [new ConverterConfig { Part = "mcp3008", Bus = 2, ChipSelect = 0, ReferenceVolts = 3.3, ChannelsUsed = 3 }],
        },
    };

    [Fact]
    public void TheRecordsOnFileAreWhatDirectChipDoesNow()
    {
        var written = JsonNode.Parse(Record().ToJsonString())!;
        var onFile = JsonNode.Parse(File.ReadAllText(FilePath))!;

        Assert.True(JsonNode.DeepEquals(written, onFile), "tc1_transactions.json differs from DirectChip's traffic; rerun with AIMC_WRITE_VECTORS=1 and review the diff");
    }

    /// <summary>Rewrites the record file when AIMC_WRITE_VECTORS=1 (after a deliberate change of the driver).</summary>
    [Fact]
    public void WriteRecordsWhenAsked()
    {
        if (Environment.GetEnvironmentVariable("AIMC_WRITE_VECTORS") != "1")
        {
            return;
        }

        File.WriteAllText(FilePath, Record().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static JsonObject Record()
    {
        var config = Rig();
        var bench = new ScriptedBench(config, Geometry)
        {
            AchievedMiss = (row, col) => (short)((row * 3) + col),
            Unconverged = [new CellAddress(1, 2)],
            ColumnVolts = col => col switch { 0 => 1.0, 1 => 3.3, _ => 2.0 },
        };
        var operations = new JsonArray();
        var seen = 0;
        JsonArray Transactions()
        {
            var all = bench.Tc1!.Recorded;
            var list = new JsonArray();
            foreach (var message in all.Skip(seen))
            {
                var segment = Assert.Single(message);
                list.Add(new JsonObject
                {
                    ["mosi"] = Convert.ToHexString(segment.Written),
                    ["miso"] = Convert.ToHexString(segment.Read.Length == 0 ? new byte[segment.Written.Length] : segment.Read),
                });
            }

            seen = all.Count;
            return list;
        }

        using var chip = new DirectChip(config, bench);
        operations.Add(new JsonObject { ["operation"] = "open", ["transactions"] = Transactions() });

        var options = WriteVerifyOptions.Default;
        var targets = new Grid<float>(2, 3, [0.5f, -0.25f, 1f, -1f, 0.1f, 0.0001f]);
        var whole = chip.Program(1, targets, options);
        operations.Add(Program("program", 1, targets, null, options, whole, Transactions()));

        var only = new Grid<bool>(2, 3, [true, false, false, false, false, true]);
        var masked = new Grid<float>(2, 3, [-0.75f, 0, 0, 0, 0, 0.3f]);
        var single = new WriteVerifyOptions(false, 0, 1);
        var partial = chip.Program(1, masked, single, only);
        operations.Add(Program("program-masked", 1, masked, only, single, partial, Transactions()));

        var states = chip.ReadBack(1);
        operations.Add(new JsonObject
        {
            ["operation"] = "readback",
            ["tile"] = 1,
            ["transactions"] = Transactions(),
            ["weights"] = Floats(states.Weights.Data),
            ["states"] = new JsonArray([.. states.Arrays.Select(a => (JsonNode)Floats(a.States.Data))]),
        });

        var inputs = new Grid<int>(2, 2, [127, -127, 0, 64]);
        var result = chip.Mvm(0, inputs);
        operations.Add(new JsonObject
        {
            ["operation"] = "mvm",
            ["tile"] = 0,
            ["inputs"] = new JsonArray([.. inputs.Data.Select(x => (JsonNode)x)]),
            ["transactions"] = Transactions(),
            ["start_writes"] = new JsonArray([.. bench.Fake.WritesTo(config.StartLine).Select(v => (JsonNode)(v == PinValue.High ? 1 : 0))]),
            ["codes"] = new JsonArray([.. result.Codes.Data.Select(x => (JsonNode)x)]),
            ["saturated"] = result.SaturatedOutputs,
            ["mac_per_code"] = Doubles(result.MacPerCode),
            ["mac_offset"] = Doubles(result.MacOffset),
        });

        return new JsonObject
        {
            ["format"] = "TC1 register-bus transactions of DirectChip (hil-rigs/direct-tc1.md), from tests/AimcHil.Rig.Tests/Direct/Tc1TransactionRecordTests.cs; AIMC_WRITE_VECTORS=1 rewrites it",
            ["geometry"] = new JsonObject { ["rows"] = Geometry.Rows, ["cols"] = Geometry.Cols, ["tiles"] = Geometry.Tiles, ["input_bits"] = Geometry.InputBits },
            ["done_timeout_ms"] = config.DoneTimeoutMs,
            ["output_code_rail_low"] = 0,
            ["output_code_rail_high"] = 1023,
            ["operations"] = operations,
        };
    }

    private static JsonObject Program(string name, int tile, Grid<float> targets, Grid<bool>? only, WriteVerifyOptions options, ProgrammingReport report, JsonArray transactions)
    {
        var (_, representable, achieved, pulses) = report.PerWeightGrids();
        var unconverged = new bool[achieved.Data.Length];
        foreach (var cell in report.Unconverged)
        {
            unconverged[(cell.Row * achieved.Cols) + cell.Col] = true;
        }

        return new JsonObject
        {
            ["operation"] = name,
            ["tile"] = tile,
            ["targets"] = Floats(targets.Data),
            ["selected"] = only is null ? null : new JsonArray([.. only.Data.Select(b => (JsonNode)(b ? 1 : 0))]),
            ["verify"] = options.Enabled,
            ["tolerance"] = options.Tolerance,
            ["max_pulses_per_cell"] = options.MaxPulsesPerCell,
            ["transactions"] = transactions,
            ["achieved"] = Floats(achieved.Data),
            ["representable"] = Floats(representable.Data),
            ["pulses"] = new JsonArray([.. pulses.Data.Select(p => (JsonNode)p)]),
            ["unconverged"] = new JsonArray([.. unconverged.Select(b => (JsonNode)(b ? 1 : 0))]),
            ["total_pulses"] = report.TotalPulses,
        };
    }

    /// <summary>Floats as their shortest round-trip text, so the C side reads back the same bits.</summary>
    private static JsonArray Floats(float[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v.ToString("R", CultureInfo.InvariantCulture))!)]);

    private static JsonArray Doubles(double[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v.ToString("R", CultureInfo.InvariantCulture))!)]);
}
