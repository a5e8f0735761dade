// One piece: one file format, the SQLite schema the remarks below define. Creating, resuming, opening, appending,
// reading back and finishing a run all read or write those tables, and the checks that refuse a resume of a different
// run compare against the same columns, so a change to a table shows here every reader and writer of it.

using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AimcHil.Core;
using Microsoft.Data.Sqlite;

namespace AimcHil.Characterization.Datasets;

/// <summary>A measurement run on disk: one SQLite file holding the run header, its parameters and every point,
/// each point committed as it is measured, so a killed run loses at most the point in flight.</summary>
/// <remarks>
/// <para>The file is SQLite in WAL mode with synchronous=FULL, application id 0x41494D43 ("AIMC"), user_version 1,
/// and these tables:</para>
/// <list type="bullet">
/// <item><c>run</c> (one row): procedure TEXT, status TEXT ('running', 'completed', 'interrupted'), started_utc TEXT
/// (ISO 8601), ended_utc TEXT NULL, software_version TEXT, seed TEXT NULL (decimal ulong), chip_name TEXT, domain TEXT,
/// device TEXT, rows INTEGER, cols INTEGER, tiles INTEGER, chip_info TEXT (ChipInfo as JSON, snake_case keys and enum
/// values), rig_snapshot TEXT, settings TEXT (JSON).</item>
/// <item><c>parameters</c>: name TEXT PRIMARY KEY, unit TEXT, role TEXT ('setpoint' or 'measured'), depends_on TEXT
/// (comma-separated, '' if none), shape TEXT ('' for scalars), description TEXT.</item>
/// <item><c>points</c>: seq INTEGER PRIMARY KEY, chip_seconds REAL, measured_utc TEXT.</item>
/// <item><c>scalars</c>: seq INTEGER, name TEXT, value REAL, PRIMARY KEY(seq, name).</item>
/// <item><c>arrays</c>: seq INTEGER, name TEXT, shape TEXT ('256,256'), dtype TEXT (always '&lt;f4'), data BLOB
/// (little-endian float32, row-major), PRIMARY KEY(seq, name).</item>
/// </list>
/// <para>SQLite stores a NaN REAL as NULL; a NULL scalar value reads back as NaN.</para>
/// <para>In Python: <c>a = array.array('f'); a.frombytes(blob)</c> or <c>np.frombuffer(blob, '&lt;f4').reshape(shape)</c>.</para>
/// </remarks>
public sealed class MeasurementDataset : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly bool _writable;
    private readonly Dictionary<string, ParameterSpec> _byName;
    private readonly SqliteCommand? _insertPoint;
    private readonly SqliteCommand? _insertScalar;
    private readonly SqliteCommand? _insertArray;
    private string _status;
    private bool _disposed;

    private MeasurementDataset(
        string path,
        SqliteConnection connection,
        bool writable,
        RunHeader header,
        IReadOnlyList<ParameterSpec> parameters,
        string status,
        DateTimeOffset startedUtc,
        DateTimeOffset? endedUtc)
    {
        Path = path;
        _connection = connection;
        _writable = writable;
        Header = header;
        Parameters = parameters;
        _byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _status = status;
        StartedUtc = startedUtc;
        EndedUtc = endedUtc;
        if (writable)
        {
            _insertPoint = Prepare("INSERT INTO points (seq, chip_seconds, measured_utc) VALUES ($seq, $t, $utc)", "$seq", "$t", "$utc");
            _insertScalar = Prepare("INSERT INTO scalars (seq, name, value) VALUES ($seq, $name, $value)", "$seq", "$name", "$value");
            _insertArray = Prepare(
                "INSERT INTO arrays (seq, name, shape, dtype, data) VALUES ($seq, $name, $shape, '<f4', $data)", "$seq", "$name", "$shape", "$data");
        }
    }

    /// <summary>Creates a new dataset; refuses a path that exists.</summary>
    public static MeasurementDataset Create(string path, RunHeader header, IReadOnlyList<ParameterSpec> parameters)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(parameters);
        CheckParameters(parameters);
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new AimcException($"{path} already exists: pass --resume to continue it, or choose another --out");
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var started = DateTimeOffset.UtcNow;
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            Execute(connection, "PRAGMA journal_mode=WAL");
            Execute(connection, "PRAGMA synchronous=FULL");
            using (var tx = connection.BeginTransaction())
            {
                Execute(connection, $"PRAGMA application_id={DatasetSchema.ApplicationId}", tx);
                Execute(connection, $"PRAGMA user_version={DatasetSchema.Version}", tx);
                Execute(connection, DatasetSchema.Create, tx);
                InsertRun(connection, tx, header, started);
                InsertParameters(connection, tx, parameters);
                tx.Commit();
            }

            return new MeasurementDataset(path, connection, true, header, parameters.ToArray(), "running", started, null);
        }
        catch
        {
            connection.Dispose();
            DeleteQuietly(path);
            throw;
        }
    }

    /// <summary>Opens a dataset to add the points it lacks; refuses one of another procedure, chip geometry or settings.</summary>
    public static MeasurementDataset Resume(string path, RunHeader header, IReadOnlyList<ParameterSpec> parameters)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(parameters);
        CheckParameters(parameters);
        if (!File.Exists(path))
        {
            throw new AimcException($"nothing to resume at {path}");
        }

        var connection = Connect(path, SqliteOpenMode.ReadWrite);
        try
        {
            var stored = ReadStored(connection, path);
            CheckSameRun(path, stored, header, parameters);
            Execute(connection, "PRAGMA journal_mode=WAL");
            Execute(connection, "PRAGMA synchronous=FULL");

            // A completed run stays completed: resuming it finds nothing left to measure, and must not make a
            // finished dataset look unfinished if the resume is itself interrupted.
            var status = stored.Status == "completed" ? "completed" : "running";
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "UPDATE run SET status = $status";
                cmd.Parameters.AddWithValue("$status", status);
                cmd.ExecuteNonQuery();
            }

            return new MeasurementDataset(path, connection, true, stored.Header, stored.Parameters, status, stored.StartedUtc, stored.EndedUtc);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a dataset read-only.</summary>
    public static MeasurementDataset Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AimcException($"no dataset at {path}: check the path (aimc characterize writes one <procedure>.sqlite per procedure)");
        }

        var connection = Connect(path, SqliteOpenMode.ReadOnly);
        try
        {
            var stored = ReadStored(connection, path);
            return new MeasurementDataset(path, connection, false, stored.Header, stored.Parameters, stored.Status, stored.StartedUtc, stored.EndedUtc);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public RunHeader Header { get; }

    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>When the run was first started (a resume keeps it).</summary>
    public DateTimeOffset StartedUtc { get; }

    /// <summary>When the run was last finished; null while it has never been.</summary>
    public DateTimeOffset? EndedUtc { get; private set; }

    /// <summary>"running", "completed" or "interrupted".</summary>
    public string Status
    {
        get
        {
            if (_writable)
            {
                return _status;
            }

            // A read-only view may watch a run another process is still writing.
            ThrowIfDisposed();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT status FROM run";
            return (string?)cmd.ExecuteScalar() ?? _status;
        }
    }

    public bool Contains(long seq)
    {
        ThrowIfDisposed();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT 1 FROM points WHERE seq = $seq";
        cmd.Parameters.AddWithValue("$seq", seq);
        return cmd.ExecuteScalar() is not null;
    }

    public int Count
    {
        get
        {
            ThrowIfDisposed();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM points";
            return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Commits one point in its own transaction.</summary>
    public void Append(DataPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        ThrowIfDisposed();
        if (!_writable)
        {
            throw new InvalidOperationException($"{Path} was opened read-only; points are appended through Create or Resume");
        }

        CheckPoint(point);
        using var tx = _connection.BeginTransaction();
        _insertPoint!.Transaction = tx;
        _insertPoint.Parameters["$seq"].Value = point.Seq;
        _insertPoint.Parameters["$t"].Value = point.ChipSeconds;
        _insertPoint.Parameters["$utc"].Value = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        try
        {
            _insertPoint.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"point {point.Seq} is already in {Path}; a resumed run must skip the points it holds", ex);
        }

        _insertScalar!.Transaction = tx;
        _insertScalar.Parameters["$seq"].Value = point.Seq;
        foreach (var (name, value) in point.Scalars)
        {
            _insertScalar.Parameters["$name"].Value = name;
            _insertScalar.Parameters["$value"].Value = double.IsNaN(value) ? DBNull.Value : value;
            _insertScalar.ExecuteNonQuery();
        }

        _insertArray!.Transaction = tx;
        _insertArray.Parameters["$seq"].Value = point.Seq;
        foreach (var (name, array) in point.Arrays)
        {
            _insertArray.Parameters["$name"].Value = name;
            _insertArray.Parameters["$shape"].Value = ShapeText(array.Shape);
            _insertArray.Parameters["$data"].Value = ToBlob(array.Values);
            _insertArray.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Every point in sequence order.</summary>
    public IEnumerable<DataPoint> Points()
    {
        ThrowIfDisposed();
        using var points = _connection.CreateCommand();
        points.CommandText = "SELECT seq, chip_seconds FROM points ORDER BY seq";
        using var scalars = _connection.CreateCommand();
        scalars.CommandText = "SELECT name, value FROM scalars WHERE seq = $seq ORDER BY rowid";
        var scalarSeq = scalars.Parameters.Add("$seq", SqliteType.Integer);
        using var arrays = _connection.CreateCommand();
        arrays.CommandText = "SELECT name, shape, data FROM arrays WHERE seq = $seq ORDER BY rowid";
        var arraySeq = arrays.Parameters.Add("$seq", SqliteType.Integer);

        using var reader = points.ExecuteReader();
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            var chipSeconds = reader.GetDouble(1);
            var scalarValues = new Dictionary<string, double>(StringComparer.Ordinal);
            scalarSeq.Value = seq;
            using (var s = scalars.ExecuteReader())
            {
                while (s.Read())
                {
                    scalarValues[s.GetString(0)] = s.IsDBNull(1) ? double.NaN : s.GetDouble(1);
                }
            }

            var arrayValues = new Dictionary<string, PointArray>(StringComparer.Ordinal);
            arraySeq.Value = seq;
            using (var a = arrays.ExecuteReader())
            {
                while (a.Read())
                {
                    arrayValues[a.GetString(0)] = new PointArray(ParseShape(a.GetString(1)), FromBlob((byte[])a.GetValue(2)));
                }
            }

            yield return new DataPoint(seq, chipSeconds, scalarValues, arrayValues);
        }
    }

    /// <summary>Marks the run completed (or interrupted) and stamps its end.</summary>
    public void Finish(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        ThrowIfDisposed();
        if (status is not ("completed" or "interrupted" or "running"))
        {
            throw new ArgumentException($"status '{status}' is not one of 'completed', 'interrupted', 'running'", nameof(status));
        }

        if (!_writable)
        {
            throw new InvalidOperationException($"{Path} was opened read-only and cannot be finished");
        }

        var ended = DateTimeOffset.UtcNow;
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "UPDATE run SET status = $status, ended_utc = $ended";
        cmd.Parameters.AddWithValue("$status", status);
        cmd.Parameters.AddWithValue("$ended", ended.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        _status = status;
        EndedUtc = ended;
        if (status != "running")
        {
            // A run that has ended becomes one self-contained file: the write-ahead log folded in and switched off, so
            // copying the .sqlite alone copies every point, and a read-only reader leaves no -wal or -shm behind.
            Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            Execute(_connection, "PRAGMA journal_mode=DELETE");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _insertPoint?.Dispose();
        _insertScalar?.Dispose();
        _insertArray?.Dispose();
        _connection.Close();
        _connection.Dispose();
    }

    /// <summary>Seq and shape of every stored array of one parameter, in sequence order, without reading the data.</summary>
    internal IEnumerable<(long Seq, int[] Shape)> ArrayShapes(string name)
    {
        ThrowIfDisposed();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT seq, shape FROM arrays WHERE name = $name ORDER BY seq";
        cmd.Parameters.AddWithValue("$name", name);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), ParseShape(reader.GetString(1)));
        }
    }

    /// <summary>Every stored array of one parameter in sequence order, streamed one at a time.</summary>
    internal IEnumerable<(long Seq, PointArray Array)> ArrayValues(string name)
    {
        ThrowIfDisposed();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT seq, shape, data FROM arrays WHERE name = $name ORDER BY seq";
        cmd.Parameters.AddWithValue("$name", name);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), new PointArray(ParseShape(reader.GetString(1)), FromBlob((byte[])reader.GetValue(2))));
        }
    }

    internal static string ShapeText(IReadOnlyList<int> shape) =>
        string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static int[] ParseShape(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(d => int.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();

    private static byte[] ToBlob(float[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        return bytes;
    }

    private static float[] FromBlob(byte[] blob)
    {
        var values = new float[blob.Length / sizeof(float)];
        var words = MemoryMarshal.Cast<float, uint>(values.AsSpan());
        MemoryMarshal.Cast<byte, uint>(blob.AsSpan(0, values.Length * sizeof(float))).CopyTo(words);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        return values;
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        // Pooling off: a disposed dataset must release its file at once, so a test or the user can delete, move or
        // reopen it; a pooled connection would keep it open behind the caller's back.
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new AimcException($"{path} is not an AimcHil dataset: {Reason(ex)}", ex);
        }

        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }

        cmd.Prepare();
        return cmd;
    }

    private static void InsertRun(SqliteConnection connection, SqliteTransaction tx, RunHeader header, DateTimeOffset started)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO run (procedure, status, started_utc, ended_utc, software_version, seed, chip_name, domain, device,
                             rows, cols, tiles, chip_info, rig_snapshot, settings)
            VALUES ($procedure, 'running', $started, NULL, $software, $seed, $chip, $domain, $device,
                    $rows, $cols, $tiles, $info, $rig, $settings)
            """;
        var chip = header.Chip;
        cmd.Parameters.AddWithValue("$procedure", header.Procedure);
        cmd.Parameters.AddWithValue("$started", started.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$software", header.SoftwareVersion);
        cmd.Parameters.AddWithValue("$seed", header.Seed is { } seed ? seed.ToString(CultureInfo.InvariantCulture) : DBNull.Value);
        cmd.Parameters.AddWithValue("$chip", chip.Name);
        cmd.Parameters.AddWithValue("$domain", DatasetJson.EnumName(chip.Domain));
        cmd.Parameters.AddWithValue("$device", DatasetJson.EnumName(chip.Device));
        cmd.Parameters.AddWithValue("$rows", chip.Rows);
        cmd.Parameters.AddWithValue("$cols", chip.Cols);
        cmd.Parameters.AddWithValue("$tiles", chip.Tiles);
        cmd.Parameters.AddWithValue("$info", JsonSerializer.Serialize(chip, DatasetJson.Options));
        cmd.Parameters.AddWithValue("$rig", header.RigSnapshot);
        cmd.Parameters.AddWithValue("$settings", header.SettingsJson);
        cmd.ExecuteNonQuery();
    }

    private static void InsertParameters(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<ParameterSpec> parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO parameters (name, unit, role, depends_on, shape, description)
            VALUES ($name, $unit, $role, $depends, $shape, $description)
            """;
        foreach (var p in parameters)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$name", p.Name);
            cmd.Parameters.AddWithValue("$unit", p.Unit);
            cmd.Parameters.AddWithValue("$role", RoleText(p.Role));
            cmd.Parameters.AddWithValue("$depends", string.Join(",", p.DependsOn));
            cmd.Parameters.AddWithValue("$shape", p.Shape);
            cmd.Parameters.AddWithValue("$description", p.Description);
            cmd.ExecuteNonQuery();
        }
    }

    private static string RoleText(ParameterRole role) => role switch
    {
        ParameterRole.Setpoint => "setpoint",
        ParameterRole.Measured => "measured",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a parameter role"),
    };

    private static void CheckParameters(IReadOnlyList<ParameterSpec> parameters)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (string.IsNullOrEmpty(p.Name) || p.Name.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"parameter name '{p.Name}' must be non-empty and hold no comma", nameof(parameters));
            }

            if (!seen.Add(p.Name))
            {
                throw new ArgumentException($"parameter {p.Name} is declared twice", nameof(parameters));
            }
        }
    }

    private void CheckPoint(DataPoint point)
    {
        foreach (var name in point.Scalars.Keys)
        {
            if (!_byName.TryGetValue(name, out var spec))
            {
                throw new AimcException($"point {point.Seq} has a value {name}, which is not a parameter of {Path} (declared: {string.Join(", ", _byName.Keys)})");
            }

            if (spec.IsArray)
            {
                throw new AimcException($"point {point.Seq} has a scalar {name}, but {name} is declared an array of shape '{spec.Shape}'");
            }
        }

        foreach (var (name, array) in point.Arrays)
        {
            if (!_byName.TryGetValue(name, out var spec))
            {
                throw new AimcException($"point {point.Seq} has an array {name}, which is not a parameter of {Path} (declared: {string.Join(", ", _byName.Keys)})");
            }

            if (!spec.IsArray)
            {
                throw new AimcException($"point {point.Seq} has an array {name}, but {name} is declared a scalar");
            }

            long count = 1;
            foreach (var d in array.Shape)
            {
                count *= d;
            }

            if (array.Shape.Any(d => d < 0) || count != array.Values.Length)
            {
                throw new AimcException($"point {point.Seq}'s array {name} has shape ({ShapeText(array.Shape)}) but {array.Values.Length} values");
            }
        }
    }

    private static void CheckSameRun(string path, StoredRun stored, RunHeader header, IReadOnlyList<ParameterSpec> parameters)
    {
        if (stored.Header.Procedure != header.Procedure)
        {
            throw new AimcException($"{path} holds a {stored.Header.Procedure} run, not {header.Procedure}");
        }

        ChipInfo was = stored.Header.Chip, now = header.Chip;
        if (was.Rows != now.Rows || was.Cols != now.Cols || was.Tiles != now.Tiles)
        {
            throw new AimcException(
                $"{path} was measured on {was.Rows}×{was.Cols} tiles, {was.Tiles} of them; this chip has {now.Rows}×{now.Cols} tiles, {now.Tiles} of them");
        }

        if (!SameJson(stored.Header.SettingsJson, header.SettingsJson))
        {
            throw new AimcException(
                $"{path} was measured with settings {stored.Header.SettingsJson}; these are {header.SettingsJson}: resume with the same settings or choose another --out");
        }

        var storedNames = stored.Parameters.Select(p => p.Name).ToArray();
        var names = parameters.Select(p => p.Name).ToArray();
        if (!storedNames.SequenceEqual(names))
        {
            throw new AimcException(
                $"{path} records parameters {string.Join(", ", storedNames)}; this procedure declares {string.Join(", ", names)}: resume with the software that started the run or choose another --out");
        }

        // Descriptions are prose and may be reworded between versions; unit, role, dependencies and shape decide
        // whether old and new points mean the same thing.
        foreach (var (a, b) in stored.Parameters.Zip(parameters))
        {
            if (a.Unit != b.Unit || a.Role != b.Role || a.Shape != b.Shape || !a.DependsOn.SequenceEqual(b.DependsOn))
            {
                throw new AimcException(
                    $"{path} records parameter {a.Name} as {Describe(a)}; this procedure declares it as {Describe(b)}: resume with the software that started the run or choose another --out");
            }
        }
    }

    private static string Describe(ParameterSpec p) =>
        $"{RoleText(p.Role)} in '{p.Unit}'"
        + (p.IsArray ? $", shape '{p.Shape}'" : ", scalar")
        + (p.DependsOn.Count > 0 ? $", depending on {string.Join(",", p.DependsOn)}" : string.Empty);

    private static bool SameJson(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static StoredRun ReadStored(SqliteConnection connection, string path)
    {
        try
        {
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "PRAGMA application_id";
                var id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (id != DatasetSchema.ApplicationId)
                {
                    throw NotADataset(path, "it is a SQLite file of another application (its application id is not AIMC)");
                }
            }

            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                var tables = new HashSet<string>(StringComparer.Ordinal);
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }

                var missing = DatasetSchema.Tables.Where(t => !tables.Contains(t)).ToArray();
                if (missing.Length > 0)
                {
                    throw NotADataset(path, $"it has no {string.Join(", ", missing)} table");
                }
            }

            RunHeader header;
            string status;
            DateTimeOffset started;
            DateTimeOffset? ended;
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT procedure, status, started_utc, ended_utc, software_version, seed, chip_info, rig_snapshot, settings FROM run";
                using var reader = cmd.ExecuteReader();
                if (!reader.Read())
                {
                    throw NotADataset(path, "its run table is empty");
                }

                ChipInfo chip;
                try
                {
                    chip = JsonSerializer.Deserialize<ChipInfo>(reader.GetString(6), DatasetJson.Options)
                        ?? throw NotADataset(path, "its chip_info is null");
                }
                catch (JsonException ex)
                {
                    throw NotADataset(path, $"its chip_info is not a chip description ({ex.Message})");
                }

                header = new RunHeader(
                    reader.GetString(0),
                    chip,
                    reader.GetString(7),
                    reader.GetString(8),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : ulong.Parse(reader.GetString(5), NumberStyles.None, CultureInfo.InvariantCulture));
                status = reader.GetString(1);
                started = DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                ended = reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            }

            var parameters = new List<ParameterSpec>();
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT name, unit, role, depends_on, shape, description FROM parameters ORDER BY rowid";
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    var role = reader.GetString(2) switch
                    {
                        "setpoint" => ParameterRole.Setpoint,
                        "measured" => ParameterRole.Measured,
                        var other => throw NotADataset(path, $"parameter {reader.GetString(0)} has role '{other}', not setpoint or measured"),
                    };
                    var depends = reader.GetString(3);
                    parameters.Add(new ParameterSpec(
                        reader.GetString(0),
                        reader.GetString(1),
                        role,
                        depends.Length == 0 ? [] : depends.Split(','),
                        reader.GetString(5),
                        reader.GetString(4)));
                }
            }

            return new StoredRun(header, parameters, status, started, ended);
        }
        catch (SqliteException ex)
        {
            throw NotADataset(path, Reason(ex), ex);
        }
        catch (FormatException ex)
        {
            throw NotADataset(path, $"its run row is malformed ({ex.Message})", ex);
        }
    }

    private static AimcException NotADataset(string path, string reason, Exception? inner = null) =>
        inner is null
            ? new AimcException($"{path} is not an AimcHil dataset: {reason}")
            : new AimcException($"{path} is not an AimcHil dataset: {reason}", inner);

    private static string Reason(SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => "it is not a SQLite database",
        11 => "the file is corrupt",
        _ => ex.Message,
    };

    private static void DeleteQuietly(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private sealed record StoredRun(
        RunHeader Header,
        IReadOnlyList<ParameterSpec> Parameters,
        string Status,
        DateTimeOffset StartedUtc,
        DateTimeOffset? EndedUtc);
}
