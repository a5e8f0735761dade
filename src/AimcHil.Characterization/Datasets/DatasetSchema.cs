namespace AimcHil.Characterization.Datasets;

/// <summary>The SQLite schema of a dataset file, as the remarks of <see cref="MeasurementDataset"/> document it.</summary>
internal static class DatasetSchema
{
    /// <summary>PRAGMA application_id: "AIMC" in ASCII, so a dataset is told from any other SQLite file.</summary>
    public const int ApplicationId = 0x41494D43;

    /// <summary>PRAGMA user_version: the schema's version, raised when a table changes.</summary>
    public const int Version = 1;

    public static readonly IReadOnlyList<string> Tables = ["run", "parameters", "points", "scalars", "arrays"];

    public const string Create = """
        CREATE TABLE run (
            procedure TEXT NOT NULL,
            status TEXT NOT NULL,
            started_utc TEXT NOT NULL,
            ended_utc TEXT NULL,
            software_version TEXT NOT NULL,
            seed TEXT NULL,
            chip_name TEXT NOT NULL,
            domain TEXT NOT NULL,
            device TEXT NOT NULL,
            rows INTEGER NOT NULL,
            cols INTEGER NOT NULL,
            tiles INTEGER NOT NULL,
            chip_info TEXT NOT NULL,
            rig_snapshot TEXT NOT NULL,
            settings TEXT NOT NULL);
        CREATE TABLE parameters (
            name TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            role TEXT NOT NULL,
            depends_on TEXT NOT NULL,
            shape TEXT NOT NULL,
            description TEXT NOT NULL);
        CREATE TABLE points (
            seq INTEGER PRIMARY KEY,
            chip_seconds REAL NOT NULL,
            measured_utc TEXT NOT NULL);
        CREATE TABLE scalars (
            seq INTEGER NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (seq, name));
        CREATE TABLE arrays (
            seq INTEGER NOT NULL,
            name TEXT NOT NULL,
            shape TEXT NOT NULL,
            dtype TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (seq, name));
        """;
}
