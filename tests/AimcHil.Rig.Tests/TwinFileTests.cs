using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;

namespace AimcHil.Rig.Tests;

/// <summary>A calibrated twin's measured arrays as .npy beside its rig file: written, read back exactly, and every
/// file that does not fit the chip refused in one line naming the key and the file.</summary>
public sealed class TwinFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-twin-").FullName;

    // 2 tiles of 4 rows × 3 columns, PCM differential pair (G+, G−).
    private static readonly float[][] Gain = [[1.5f, 0.5f, 1.2f], [0.9f, 1.1f, 1f]];
    private static readonly float[][] Offset = [[0f, 0.1f, -0.05f], [0.02f, 0f, -0.01f]];

    private string Yaml => Path.Combine(_dir, "twin.yaml");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static sbyte[] Stuck()
    {
        var stuck = new sbyte[2 * 2 * 4 * 3];
        stuck[(((0 * 2) + 0) * 12) + (1 * 3) + 2] = 2;
        stuck[(((1 * 2) + 1) * 12) + (3 * 3) + 0] = 2;
        stuck[(((1 * 2) + 0) * 12) + (0 * 3) + 1] = 1;
        return stuck;
    }

    private string WriteRig(string? gainFile = "twin.column-gain.npy", string? offsetFile = "twin.column-offset.npy", string? stuckFile = "twin.stuck.npy", string domain = "current", string device = "pcm", int tiles = 2, int cols = 3)
    {
        var text = $"""
            kind: emulator
            seed: 3
            chip:
              domain: {domain}
              device: {device}
              rows: 4
              cols: {cols}
              tiles: {tiles}
              adc:
                bits: 8
                range_mac: 4
              pcm:
                programming_noise: false
                drift: false
                read_noise: false
              column_mismatch:
                gain_sigma: 0.1
                offset_sigma_full_scale: 0.02

            """;
        text += (gainFile is null ? string.Empty : $"    gain_file: {gainFile}\n")
            + (offsetFile is null ? string.Empty : $"    offset_file: {offsetFile}\n")
            + (stuckFile is null ? string.Empty : $"  stuck_map_file: {stuckFile}\n");
        File.WriteAllText(Yaml, text);
        return Yaml;
    }

    [Fact]
    public void WrittenArraysReadBackExactlyIntoTheChip()
    {
        var names = TwinFiles.WriteArrays(Yaml, Gain, Offset, Stuck(), arrays: 2);
        Assert.Equal(("twin.column-gain.npy", "twin.column-offset.npy", "twin.stuck.npy"), names);
        WriteRig(names.GainFile, names.OffsetFile, names.StuckMapFile);

        var rig = RigFileReader.Read(Yaml);

        var chip = rig.Chip!;
        Assert.Equal(Gain, chip.ColumnMismatch.MeasuredGain);
        Assert.Equal(Offset, chip.ColumnMismatch.MeasuredOffset);
        Assert.Equal(Stuck(), chip.MeasuredStuck);
        Assert.Equal("|i1", Npy.Read(Path.Combine(_dir, "twin.stuck.npy")).Dtype);
        Assert.Equal([2, 2, 4, 3], Npy.Read(Path.Combine(_dir, "twin.stuck.npy")).Shape);
    }

    [Fact]
    public void AnOpenedTwinHasTheMeasuredPattern()
    {
        var names = TwinFiles.WriteArrays(Yaml, Gain, Offset, Stuck(), arrays: 2);
        WriteRig(names.GainFile, names.OffsetFile, names.StuckMapFile);
        using var chip = Assert.IsType<EmulatedChip>(RigConnector.Open(Yaml));

        // Every weight 0.5 (G+ 0.5, G− 0) on tile 1, every input at full code: each column sums 4 × 0.5 = 2 MAC,
        // except column 0, whose G− at row 3 is stuck on (weight −0.5 there): 1 MAC, and column 1, whose G+ at row 0
        // is stuck off (weight 0 there): 1.5 MAC. Then gain and offset (× 4 MAC full scale).
        var w = new Grid<float>(4, 3);
        Array.Fill(w.Data, 0.5f);
        chip.Program(1, w, WriteVerifyOptions.SinglePulse);
        var max = chip.Info.InputCodeMax;
        var result = chip.Mvm(1, new Grid<int>(1, 4, [max, max, max, max]));

        double[] expected = [(0.9 * 1) + 0.08, 1.1 * 1.5, 2 - 0.04];
        for (var j = 0; j < 3; j++)
        {
            Assert.InRange(result.Codes.Data[j] * result.MacPerCode[j], expected[j] - (0.5 / 32) - 1e-6, expected[j] + (0.5 / 32) + 1e-6);
        }

        var states = chip.ReadBack(0);
        Assert.Equal(1f, states.Arrays[0].States[1, 2]);
        var stuck = Assert.Single(chip.Info.NonIdealities, n => n.Name == "stuck_at");
        Assert.True(stuck.Enabled);
        Assert.EndsWith(" (measured, from twin.stuck.npy)", stuck.Description, StringComparison.Ordinal);
        Assert.EndsWith(" (measured, from twin.column-gain.npy)", chip.Info.NonIdealities.Single(n => n.Name == "column_gain_mismatch").Description, StringComparison.Ordinal);
        Assert.EndsWith(" (measured, from twin.column-offset.npy)", chip.Info.NonIdealities.Single(n => n.Name == "column_offset_mismatch").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeNamesResolveAgainstTheRigFilesFolder()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "measured"));
        var names = TwinFiles.WriteArrays(Path.Combine(_dir, "measured", "twin.yaml"), Gain, null, null, arrays: 2);
        WriteRig(gainFile: $"measured/{names.GainFile}", offsetFile: null, stuckFile: null);

        var rig = RigFileReader.Read(Yaml);

        Assert.Equal(Gain, rig.Chip!.ColumnMismatch.MeasuredGain);
        Assert.Null(rig.Chip.ColumnMismatch.MeasuredOffset);
    }

    [Fact]
    public void AMissingFileSaysWhereItWasLookedFor()
    {
        WriteRig();

        var e = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.Equal($"{Yaml}: chip.column_mismatch.gain_file: twin.column-gain.npy not found (looked for {Path.Combine(_dir, "twin.column-gain.npy")}); keep the measured arrays beside the rig file or give their path relative to it", e.Message);
    }

    [Fact]
    public void AWrongDtypeIsRefused()
    {
        Npy.Write(Path.Combine(_dir, "g.npy"), new double[6], 2, 3);
        Npy.Write(Path.Combine(_dir, "s.npy"), new int[48], 2, 2, 4, 3);

        WriteRig(gainFile: "g.npy", offsetFile: null, stuckFile: null);
        var gain = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));
        WriteRig(gainFile: null, offsetFile: null, stuckFile: "s.npy");
        var stuck = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.Equal($"{Yaml}: chip.column_mismatch.gain_file: g.npy holds dtype '<f8' but must be float32 ('<f4'); save it with np.save(path, a.astype(np.float32))", gain.Message);
        Assert.Equal($"{Yaml}: chip.stuck_map_file: s.npy holds dtype '<i4' but must be int8 or uint8 ('|i1' or '|u1'); save it with np.save(path, a.astype(np.int8))", stuck.Message);
    }

    [Fact]
    public void AWrongShapeNamesBothShapes()
    {
        Npy.Write(Path.Combine(_dir, "twin.column-gain.npy"), Enumerable.Repeat(1f, 4 * 32).ToArray(), 4, 32);
        Npy.Write(Path.Combine(_dir, "twin.stuck.npy"), new sbyte[24], 1, 2, 4, 3);

        WriteRig(offsetFile: null, stuckFile: null, tiles: 6, cols: 256);
        var gain = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));
        WriteRig(gainFile: null, offsetFile: null);
        var stuck = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.Equal($"{Yaml}: chip.column_mismatch.gain_file: twin.column-gain.npy holds 4×32 but the chip has 6 tiles of 256 columns", gain.Message);
        Assert.Equal($"{Yaml}: chip.stuck_map_file: twin.stuck.npy holds 1×2×4×3 but the chip has 2 tiles of 2 device arrays (G+, G-) of 4×3 devices", stuck.Message);
    }

    [Fact]
    public void BadValuesAreRefusedWithTheirPlace()
    {
        var gain = new[] { new[] { 1f, 1f, 1f }, new[] { 1f, -0.5f, 1f } };
        var offset = new[] { new[] { 0f, 0f, 0f }, new[] { 0f, 0f, float.PositiveInfinity } };
        TwinFiles.WriteArrays(Yaml, gain, offset, null, arrays: 2);

        WriteRig(offsetFile: null, stuckFile: null);
        var badGain = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));
        WriteRig(gainFile: null, stuckFile: null);
        var badOffset = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.Equal($"{Yaml}: chip.column_mismatch.gain_file: twin.column-gain.npy holds -0.5 at tile 1, column 1; a column gain must be finite and above 0", badGain.Message);
        Assert.Equal($"{Yaml}: chip.column_mismatch.offset_file: twin.column-offset.npy holds Infinity at tile 1, column 2; a column offset must be finite", badOffset.Message);
    }

    [Fact]
    public void StuckCodesAreZeroOneOrTwoAndUint8IsReadAsWritten()
    {
        // A uint8 file: the int8 header with its descriptor changed (same length), holding 200 where a code goes.
        var codes = new sbyte[48];
        codes[13] = 2;
        var path = Path.Combine(_dir, "twin.stuck.npy");
        TwinFiles.WriteStuckMap(Yaml, codes, 2, 2, 4, 3);
        var bytes = File.ReadAllBytes(path);
        var header = System.Text.Encoding.Latin1.GetString(bytes, 0, 128);
        var at = header.IndexOf("|i1", StringComparison.Ordinal);
        bytes[at + 1] = (byte)'u';
        File.WriteAllBytes(path, bytes);
        WriteRig(gainFile: null, offsetFile: null);

        var rig = RigFileReader.Read(Yaml);
        Assert.Equal(codes, rig.Chip!.MeasuredStuck);

        bytes[^1] = 200;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.Equal($"{Yaml}: chip.stuck_map_file: twin.stuck.npy holds code 200 at tile 1, array 1 (G-), row 3, column 2; stuck codes are 0 healthy, 1 stuck off, 2 stuck on", e.Message);
    }

    [Fact]
    public void ABitSlicedDomainRefusesMeasuredColumns()
    {
        TwinFiles.WriteArrays(Yaml, Gain, null, null, arrays: 1);
        WriteRig(offsetFile: null, stuckFile: null, domain: "charge_redistribution", device: "sram");

        var e = Assert.Throws<AimcException>(() => RigFileReader.Read(Yaml));

        Assert.StartsWith($"{Yaml}: chip.column_mismatch.gain_file: twin.column-gain.npy: measured column gains need one conversion per column; the charge_redistribution domain converts ", e.Message);
        Assert.EndsWith(" per output", e.Message);
    }

    [Fact]
    public void WithoutFilesNothingIsMeasured()
    {
        WriteRig(gainFile: null, offsetFile: null, stuckFile: null);
        var rig = RigFileReader.Read(Yaml);
        using var a = RigConnector.Open(rig);

        Assert.Null(rig.Chip!.ColumnMismatch.MeasuredGain);
        Assert.Null(rig.Chip.MeasuredStuck);
        Assert.DoesNotContain(a.Info.NonIdealities, n => n.Description.Contains("measured", StringComparison.Ordinal));
    }
}
