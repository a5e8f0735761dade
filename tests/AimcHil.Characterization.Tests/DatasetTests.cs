using System.Diagnostics;
using System.Globalization;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using Microsoft.Data.Sqlite;

namespace AimcHil.Characterization.Tests;

/// <summary>The SQLite dataset: what goes in comes back bit for bit, Python reads it, and every refusal says why.</summary>
public sealed class DatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-dataset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static ChipInfo Chip(int rows = 32, int cols = 16, int tiles = 2) => new()
    {
        Name = "test-chip",
        Domain = ComputationDomain.ChargeRedistribution,
        Device = DeviceTechnology.FeFet,
        Rows = rows,
        Cols = cols,
        Tiles = tiles,
        WeightEncoding = WeightEncoding.DifferentialPair,
        WeightLevels = 0,
        DacBits = 8,
        AdcBits = 8,
        InputFullScale = 0.2,
        InputUnit = "V",
        OutputFullScale = 1e-6,
        OutputUnit = "A",
        MacFullScale = 12.5,
        AdcCodeMin = -128,
        AdcCodeMax = 127,
        Transport = "emulator",
        NonIdealities = [new NonIdeality("read_noise", true, 0.01, "normalized", "cycle-to-cycle read noise"), new NonIdeality("drift", false, 0.05, "", "power-law drift")],
    };

    internal static RunHeader Header(string procedure = "transfer", ChipInfo? chip = null, string settings = """{"levels":4}""") =>
        new(procedure, chip ?? Chip(), "kind: emulator\npreset: small\n", settings, "1.2.3", 18446744073709551615UL);

    internal static IReadOnlyList<ParameterSpec> Parameters() =>
    [
        new("target", "normalized", ParameterRole.Setpoint, [], "programmed level"),
        new("mean_error", "normalized", ParameterRole.Measured, ["target"], "mean error"),
        new("read_back", "normalized", ParameterRole.Measured, ["target"], "the tile read back", "rows,cols"),
    ];

    internal static DataPoint Point(long seq, float scale = 1f) => new(
        seq,
        seq * 0.1 + 1e-12,
        new Dictionary<string, double> { ["target"] = seq / 3.0, ["mean_error"] = Math.PI * seq },
        new Dictionary<string, PointArray> { ["read_back"] = PointArray.Of(2, 3, [scale * 0.5f, -1.25f, float.Epsilon, 1f / 3f, float.MaxValue, -0f]) });

    private string PathOf(string name = "transfer.sqlite") => Path.Combine(_dir, name);

    [Fact]
    public void AnEndedRunIsOneSelfContainedFileThatAReaderLeavesAlone()
    {
        var path = PathOf();
        using (var ds = MeasurementDataset.Create(path, Header(), Parameters()))
        {
            ds.Append(Point(0));
            Assert.True(File.Exists(path + "-wal"));
            ds.Finish("completed");
        }

        Assert.False(File.Exists(path + "-wal"));
        var copy = PathOf("copy.sqlite");
        File.Copy(path, copy);
        using (var read = MeasurementDataset.Open(copy))
        {
            Assert.Equal(1, read.Count);
        }

        Assert.False(File.Exists(copy + "-wal"));
        Assert.False(File.Exists(copy + "-shm"));
    }

    [Fact]
    public void HeaderParametersScalarsAndArraysRoundTripBitForBit()
    {
        var path = Path.Combine(_dir, "deep", "er", "transfer.sqlite");
        using (var ds = MeasurementDataset.Create(path, Header(), Parameters()))
        {
            Assert.Equal("running", ds.Status);
            ds.Append(Point(2));
            ds.Append(Point(0));
            ds.Append(new DataPoint(5, 3.5, new Dictionary<string, double> { ["target"] = double.NaN }, new Dictionary<string, PointArray>()));
            ds.Finish("completed");
        }

        using var read = MeasurementDataset.Open(path);
        var expected = Header();
        Assert.Equal(expected.Procedure, read.Header.Procedure);
        Assert.Equal(expected.RigSnapshot, read.Header.RigSnapshot);
        Assert.Equal(expected.SettingsJson, read.Header.SettingsJson);
        Assert.Equal(expected.SoftwareVersion, read.Header.SoftwareVersion);
        Assert.Equal(expected.Seed, read.Header.Seed);
        Assert.Equal(expected.Chip with { NonIdealities = [] }, read.Header.Chip with { NonIdealities = [] });
        Assert.Equal(expected.Chip.NonIdealities, read.Header.Chip.NonIdealities);
        Assert.Equal("completed", read.Status);
        Assert.NotNull(read.EndedUtc);
        Assert.Equal(3, read.Count);
        Assert.True(read.Contains(5));
        Assert.False(read.Contains(1));

        Assert.Equal(Parameters().Count, read.Parameters.Count);
        foreach (var (a, b) in Parameters().Zip(read.Parameters))
        {
            Assert.Equal((a.Name, a.Unit, a.Role, a.Description, a.Shape), (b.Name, b.Unit, b.Role, b.Description, b.Shape));
            Assert.Equal(a.DependsOn, b.DependsOn);
        }

        var points = read.Points().ToArray();
        Assert.Equal([0L, 2L, 5L], points.Select(p => p.Seq));
        foreach (var p in points.Take(2))
        {
            var want = Point(p.Seq);
            Assert.Equal(BitConverter.DoubleToInt64Bits(want.ChipSeconds), BitConverter.DoubleToInt64Bits(p.ChipSeconds));
            Assert.Equal(want.Scalars.Keys.Order(), p.Scalars.Keys.Order());
            foreach (var (name, value) in want.Scalars)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(p.Scalar(name)));
            }

            Assert.Equal([2, 3], p.Array("read_back").Shape);
            Assert.Equal(
                want.Array("read_back").Values.Select(BitConverter.SingleToInt32Bits),
                p.Array("read_back").Values.Select(BitConverter.SingleToInt32Bits));
        }

        Assert.True(double.IsNaN(points[2].Scalar("target")));
        Assert.Empty(points[2].Arrays);
    }

    [Fact]
    public void ArrayBlobIsLittleEndianFloat32ReadableByRawSql()
    {
        var path = PathOf();
        using (var ds = MeasurementDataset.Create(path, Header(), Parameters()))
        {
            ds.Append(Point(7));
        }

        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT shape, dtype, data FROM arrays WHERE seq = 7 AND name = 'read_back'";
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("2,3", reader.GetString(0));
        Assert.Equal("<f4", reader.GetString(1));
        var blob = (byte[])reader.GetValue(2);
        Assert.Equal(24, blob.Length);
        Assert.Equal(-1.25f, BitConverter.ToSingle(blob, 4));
        Assert.Equal([0x00, 0x00, 0xA0, 0xBF], blob[4..8]);

        using var run = connection.CreateCommand();
        run.CommandText = "SELECT status, seed, domain, device, rows, cols, tiles, chip_info FROM run";
        using var r = run.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("running", r.GetString(0));
        Assert.Equal("18446744073709551615", r.GetString(1));
        Assert.Equal("charge_redistribution", r.GetString(2));
        Assert.Equal("fe_fet", r.GetString(3));
        Assert.Equal((32L, 16L, 2L), (r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)));
        Assert.Contains("\"weight_encoding\":\"differential_pair\"", r.GetString(7), StringComparison.Ordinal);
        Assert.Contains("\"non_idealities\":[{\"name\":\"read_noise\"", r.GetString(7), StringComparison.Ordinal);
    }

    [Fact]
    public void PythonReadsTheDatasetWithTheStandardLibrary()
    {
        var path = PathOf();
        using (var ds = MeasurementDataset.Create(path, Header(), Parameters()))
        {
            ds.Append(Point(3));
            ds.Finish("completed");
        }

        const string script = """
            import sqlite3, array, json, sys
            c = sqlite3.connect(sys.argv[1])
            shape, blob = c.execute("select shape, data from arrays where seq = 3 and name = 'read_back'").fetchone()
            a = array.array('f'); a.frombytes(blob)
            rows, cols = map(int, shape.split(','))
            status, info = c.execute('select status, chip_info from run').fetchone()
            value = c.execute("select value from scalars where seq = 3 and name = 'mean_error'").fetchone()[0]
            print(rows, cols, a[1 * cols + 0], a[1], status, json.loads(info)['device'], repr(value))
            """;
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(path);
        using var python = Process.Start(psi)!;
        var output = python.StandardOutput.ReadToEnd();
        var error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, error);
        Assert.Equal($"2 3 0.3333333432674408 -1.25 completed fe_fet {(Math.PI * 3).ToString("R", CultureInfo.InvariantCulture)}", output.Trim());
    }

    [Fact]
    public void CreateRefusesAnExistingFile()
    {
        var path = PathOf();
        MeasurementDataset.Create(path, Header(), Parameters()).Dispose();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Create(path, Header(), Parameters()));
        Assert.Equal($"{path} already exists: pass --resume to continue it, or choose another --out", ex.Message);
    }

    [Fact]
    public void ResumeRefusesAMissingFile()
    {
        var path = PathOf();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header(), Parameters()));
        Assert.Equal($"nothing to resume at {path}", ex.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ResumeAndOpenRefuseAFileThatIsNotADataset()
    {
        var text = PathOf("notes.sqlite");
        File.WriteAllText(text, "these are not the points you are looking for, not even a little bit of them at all\n");
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(text, Header(), Parameters()));
        Assert.Equal($"{text} is not an AimcHil dataset: it is not a SQLite database", ex.Message);
        ex = Assert.Throws<AimcException>(() => MeasurementDataset.Open(text));
        Assert.Equal($"{text} is not an AimcHil dataset: it is not a SQLite database", ex.Message);

        var other = PathOf("other.sqlite");
        using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (x INTEGER)";
            cmd.ExecuteNonQuery();
        }

        ex = Assert.Throws<AimcException>(() => MeasurementDataset.Open(other));
        Assert.Equal($"{other} is not an AimcHil dataset: it is a SQLite file of another application (its application id is not AIMC)", ex.Message);
    }

    [Fact]
    public void OpenRefusesAMissingFile()
    {
        var path = PathOf();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Open(path));
        Assert.StartsWith($"no dataset at {path}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeRefusesAnotherProcedure()
    {
        var path = PathOf();
        MeasurementDataset.Create(path, Header(), Parameters()).Dispose();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header("drift"), Parameters()));
        Assert.Equal($"{path} holds a transfer run, not drift", ex.Message);
    }

    [Fact]
    public void ResumeRefusesAnotherGeometry()
    {
        var path = PathOf();
        MeasurementDataset.Create(path, Header(), Parameters()).Dispose();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header(chip: Chip(256, 256, 6)), Parameters()));
        Assert.Equal($"{path} was measured on 32×16 tiles, 2 of them; this chip has 256×256 tiles, 6 of them", ex.Message);
    }

    [Fact]
    public void ResumeRefusesOtherSettings()
    {
        var path = PathOf();
        MeasurementDataset.Create(path, Header(), Parameters()).Dispose();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header(settings: """{"levels":8}"""), Parameters()));
        Assert.Equal($$"""{{path}} was measured with settings {"levels":4}; these are {"levels":8}: resume with the same settings or choose another --out""", ex.Message);

        // The same settings spelled with other whitespace are the same settings.
        MeasurementDataset.Resume(path, Header(settings: """{ "levels": 4 }"""), Parameters()).Dispose();
    }

    [Fact]
    public void ResumeRefusesOtherParameters()
    {
        var path = PathOf();
        MeasurementDataset.Create(path, Header(), Parameters()).Dispose();
        var fewer = Parameters().Take(2).ToArray();
        var ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header(), fewer));
        Assert.Equal(
            $"{path} records parameters target, mean_error, read_back; this procedure declares target, mean_error: resume with the software that started the run or choose another --out",
            ex.Message);

        var otherUnit = Parameters().Select(p => p.Name == "mean_error" ? p with { Unit = "A" } : p).ToArray();
        ex = Assert.Throws<AimcException>(() => MeasurementDataset.Resume(path, Header(), otherUnit));
        Assert.Equal(
            $"{path} records parameter mean_error as measured in 'normalized', scalar, depending on target; this procedure declares it as measured in 'A', scalar, depending on target: resume with the software that started the run or choose another --out",
            ex.Message);
    }

    [Fact]
    public void ResumeKeepsPointsAndSetsStatusBackToRunningUnlessCompleted()
    {
        var path = PathOf();
        using (var ds = MeasurementDataset.Create(path, Header(), Parameters()))
        {
            ds.Append(Point(0));
            ds.Finish("interrupted");
        }

        using (var ds = MeasurementDataset.Resume(path, Header(), Parameters()))
        {
            Assert.Equal("running", ds.Status);
            Assert.True(ds.Contains(0));
            ds.Append(Point(1));
            Assert.Equal(2, ds.Count);
            ds.Finish("completed");
        }

        using (var ds = MeasurementDataset.Resume(path, Header(), Parameters()))
        {
            Assert.Equal("completed", ds.Status);
        }

        using var read = MeasurementDataset.Open(path);
        Assert.Equal("completed", read.Status);
        Assert.Equal(2, read.Count);
    }

    [Fact]
    public void DuplicateSeqIsRefusedAndLeavesTheFirstPoint()
    {
        using var ds = MeasurementDataset.Create(PathOf(), Header(), Parameters());
        ds.Append(Point(4));
        Assert.Throws<InvalidOperationException>(() => ds.Append(Point(4, scale: 2f)));
        Assert.Equal(1, ds.Count);
        Assert.Equal(0.5f, ds.Points().Single().Array("read_back").Values[0]);
    }

    [Fact]
    public void UndeclaredOrMistypedParametersAreRefusedByName()
    {
        using var ds = MeasurementDataset.Create(PathOf(), Header(), Parameters());
        var ex = Assert.Throws<AimcException>(() => ds.Append(new DataPoint(
            1, 0, new Dictionary<string, double> { ["bogus"] = 1 }, new Dictionary<string, PointArray>())));
        Assert.Contains("bogus", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<AimcException>(() => ds.Append(new DataPoint(
            1, 0, new Dictionary<string, double>(), new Dictionary<string, PointArray> { ["target"] = PointArray.Of([1f]) })));
        Assert.Contains("target", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<AimcException>(() => ds.Append(new DataPoint(
            1, 0, new Dictionary<string, double> { ["read_back"] = 1 }, new Dictionary<string, PointArray>())));
        Assert.Contains("read_back", ex.Message, StringComparison.Ordinal);

        Assert.Equal(0, ds.Count);
    }

    [Fact]
    public void CommittedPointsAreVisibleToAReaderWhileTheWriterIsOpen()
    {
        var path = PathOf();
        var writer = MeasurementDataset.Create(path, Header(), Parameters());
        try
        {
            writer.Append(Point(0));
            writer.Append(Point(1));
            using var read = MeasurementDataset.Open(path);
            Assert.Equal(2, read.Count);
            Assert.Equal("running", read.Status);
            Assert.Equal([0L, 1L], read.Points().Select(p => p.Seq));
            Assert.Throws<InvalidOperationException>(() => read.Append(Point(2)));
        }
        finally
        {
            writer.Dispose();
            writer.Dispose();
        }

        // Disposed means released: the file can go.
        File.Delete(path);
        Assert.False(File.Exists(path));
    }
}
