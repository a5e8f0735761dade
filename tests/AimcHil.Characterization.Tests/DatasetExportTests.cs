using System.Globalization;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Characterization.Tests;

/// <summary>CSV and .npy exports of a dataset hold the values the dataset does, laid out as documented.</summary>
public sealed class DatasetExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private MeasurementDataset Written()
    {
        var path = Path.Combine(_dir, "transfer.sqlite");
        using (var ds = MeasurementDataset.Create(path, DatasetTests.Header(), DatasetTests.Parameters()))
        {
            ds.Append(DatasetTests.Point(0));
            ds.Append(new DataPoint(1, 0.25, new Dictionary<string, double> { ["target"] = 0.1 }, new Dictionary<string, PointArray>()));
            ds.Append(DatasetTests.Point(2));
            ds.Finish("completed");
        }

        return MeasurementDataset.Open(path);
    }

    [Fact]
    public void CsvHasOneRowPerPointAndLongFormArrays()
    {
        using var ds = Written();
        var outDir = Path.Combine(_dir, "csv");
        var files = DatasetExport.WriteCsv(ds, outDir);
        Assert.Equal([Path.Combine(outDir, "transfer.csv"), Path.Combine(outDir, "transfer.read_back.csv")], files);

        var main = File.ReadAllLines(files[0]);
        Assert.Equal("seq,chip_seconds,target,mean_error", main[0]);
        Assert.Equal("0,1E-12,0,0", main[1]);
        Assert.Equal("1,0.25,0.1,", main[2]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"2,{2 * 0.1 + 1e-12:R},0.6666666666666666,{Math.PI * 2:R}"), main[3]);
        Assert.Equal(4, main.Length);

        var arrays = File.ReadAllLines(files[1]);
        Assert.Equal("seq,i0,i1,value", arrays[0]);
        Assert.Equal("0,0,0,0.5", arrays[1]);
        Assert.Equal("0,0,1,-1.25", arrays[2]);
        Assert.Equal("0,1,0,0.33333334", arrays[4]);
        Assert.Equal("0,1,2,-0", arrays[6]);
        Assert.Equal("2,0,0,0.5", arrays[7]);
        Assert.Equal(13, arrays.Length);
    }

    [Fact]
    public void NpyStacksArraysAndFillsMissingScalarsWithNaN()
    {
        using var ds = Written();
        var files = DatasetExport.WriteNpy(ds, _dir);
        string F(string name) => Path.Combine(_dir, "transfer." + name + ".npy");
        Assert.Equal([F("seq"), F("chip_seconds"), F("target"), F("mean_error"), F("read_back"), F("read_back.seq")], files);

        Assert.Equal([0.0, 1, 2], Npy.Read(F("seq")).ToDouble());
        Assert.Equal([1e-12, 0.25, 2 * 0.1 + 1e-12], Npy.Read(F("chip_seconds")).ToDouble());
        var meanError = Npy.Read(F("mean_error"));
        Assert.Equal("<f8", meanError.Dtype);
        Assert.Equal(0.0, meanError.ToDouble()[0]);
        Assert.True(double.IsNaN(meanError.ToDouble()[1]));
        Assert.Equal(Math.PI * 2, meanError.ToDouble()[2]);

        var readBack = Npy.Read(F("read_back"));
        Assert.Equal("<f4", readBack.Dtype);
        Assert.Equal([2, 2, 3], readBack.Shape);
        var expected = DatasetTests.Point(0).Array("read_back").Values;
        Assert.Equal(expected.Concat(expected).Select(BitConverter.SingleToInt32Bits), readBack.ToSingle().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([0.0, 2], Npy.Read(F("read_back.seq")).ToDouble());
    }

    [Fact]
    public void NpyRefusesArraysOfDifferentShapes()
    {
        var path = Path.Combine(_dir, "mixed.sqlite");
        using (var ds = MeasurementDataset.Create(path, DatasetTests.Header(), DatasetTests.Parameters()))
        {
            ds.Append(DatasetTests.Point(0));
            ds.Append(new DataPoint(1, 0, new Dictionary<string, double>(), new Dictionary<string, PointArray> { ["read_back"] = PointArray.Of([1f, 2f]) }));
        }

        using var read = MeasurementDataset.Open(path);
        var ex = Assert.Throws<AimcException>(() => DatasetExport.WriteNpy(read, Path.Combine(_dir, "npy")));
        Assert.Contains("differ in shape", ex.Message, StringComparison.Ordinal);
        Assert.Contains("read_back", ex.Message, StringComparison.Ordinal);
    }
}
