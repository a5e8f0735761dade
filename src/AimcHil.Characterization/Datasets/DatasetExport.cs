using System.Globalization;
using System.Text;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Characterization.Datasets;

/// <summary>Writes a dataset as CSV or NumPy .npy files beside each other, for tools that do not read SQLite.</summary>
public static class DatasetExport
{
    /// <summary>Writes <c>&lt;stem&gt;.csv</c> (seq, chip_seconds, then one column per scalar parameter; an empty cell
    /// where a point lacks a value) and, per array parameter, <c>&lt;stem&gt;.&lt;param&gt;.csv</c> in long form
    /// (seq, i0, i1, …, value); returns the files written.</summary>
    public static IReadOnlyList<string> WriteCsv(MeasurementDataset ds, string directory)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var stem = Stem(ds);
        var written = new List<string>();
        var scalars = ds.Parameters.Where(p => !p.IsArray).Select(p => p.Name).ToArray();

        var main = Path.Combine(directory, stem + ".csv");
        using (var writer = NewWriter(main))
        {
            writer.Write(string.Join(",", ["seq", "chip_seconds", .. scalars]));
            writer.Write('\n');
            var line = new StringBuilder();
            foreach (var point in ds.Points())
            {
                line.Clear();
                line.Append(point.Seq.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Text(point.ChipSeconds));
                foreach (var name in scalars)
                {
                    line.Append(',');
                    if (point.Scalars.TryGetValue(name, out var value))
                    {
                        line.Append(Text(value));
                    }
                }

                writer.Write(line);
                writer.Write('\n');
            }
        }

        written.Add(main);

        foreach (var parameter in ds.Parameters.Where(p => p.IsArray))
        {
            var rank = RankOf(ds, parameter.Name);
            var file = Path.Combine(directory, $"{stem}.{parameter.Name}.csv");
            using (var writer = NewWriter(file))
            {
                writer.Write(string.Join(",", ["seq", .. Enumerable.Range(0, rank).Select(i => "i" + i.ToString(CultureInfo.InvariantCulture)), "value"]));
                writer.Write('\n');
                var line = new StringBuilder();
                var index = new int[rank];
                foreach (var (seq, array) in ds.ArrayValues(parameter.Name))
                {
                    var seqText = seq.ToString(CultureInfo.InvariantCulture);
                    Array.Clear(index);
                    for (var flat = 0; flat < array.Values.Length; flat++)
                    {
                        line.Clear();
                        line.Append(seqText);
                        foreach (var i in index)
                        {
                            line.Append(',').Append(i.ToString(CultureInfo.InvariantCulture));
                        }

                        line.Append(',').Append(array.Values[flat].ToString("R", CultureInfo.InvariantCulture));
                        writer.Write(line);
                        writer.Write('\n');
                        Increment(index, array.Shape);
                    }
                }
            }

            written.Add(file);
        }

        return written;
    }

    /// <summary>Writes <c>&lt;stem&gt;.seq.npy</c>, <c>&lt;stem&gt;.chip_seconds.npy</c> and one float64
    /// <c>&lt;stem&gt;.&lt;scalar&gt;.npy</c> per scalar parameter (NaN where a point lacks it), and per array parameter
    /// <c>&lt;stem&gt;.&lt;param&gt;.npy</c> (float32, points × shape, over the points that have it) with
    /// <c>&lt;stem&gt;.&lt;param&gt;.seq.npy</c> naming those points; returns the files written.</summary>
    public static IReadOnlyList<string> WriteNpy(MeasurementDataset ds, string directory)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var stem = Stem(ds);
        var written = new List<string>();
        var scalars = ds.Parameters.Where(p => !p.IsArray).Select(p => p.Name).ToArray();

        var seqs = new List<double>();
        var times = new List<double>();
        var columns = scalars.Select(_ => new List<double>()).ToArray();
        foreach (var point in ds.Points())
        {
            // Npy writes no int64; float64 holds every seq up to 2^53 exactly.
            seqs.Add(point.Seq);
            times.Add(point.ChipSeconds);
            for (var k = 0; k < scalars.Length; k++)
            {
                columns[k].Add(point.Scalars.TryGetValue(scalars[k], out var v) ? v : double.NaN);
            }
        }

        written.Add(WriteVector(directory, $"{stem}.seq.npy", seqs));
        written.Add(WriteVector(directory, $"{stem}.chip_seconds.npy", times));
        for (var k = 0; k < scalars.Length; k++)
        {
            written.Add(WriteVector(directory, $"{stem}.{scalars[k]}.npy", columns[k]));
        }

        foreach (var parameter in ds.Parameters.Where(p => p.IsArray))
        {
            // A first pass over shapes only (no blobs) sizes the stacked array and refuses mixed shapes before
            // anything large is read.
            int[]? shape = null;
            var arraySeqs = new List<double>();
            foreach (var (seq, s) in ds.ArrayShapes(parameter.Name))
            {
                if (shape is null)
                {
                    shape = s;
                }
                else if (!shape.SequenceEqual(s))
                {
                    throw new AimcException(
                        $"the arrays of {parameter.Name} in {ds.Path} differ in shape ({MeasurementDataset.ShapeText(shape)} at point {(long)arraySeqs[0]}, {MeasurementDataset.ShapeText(s)} at point {seq}), so they do not stack into one .npy: export them with --format csv");
                }

                arraySeqs.Add(seq);
            }

            shape ??= [0];
            var each = shape.Aggregate(1L, (a, d) => a * d);
            var total = each * arraySeqs.Count;
            if (total > Array.MaxLength)
            {
                throw new AimcException($"the arrays of {parameter.Name} in {ds.Path} hold {total} values, too many for one .npy: export them with --format csv");
            }

            var stacked = new float[total];
            var offset = 0L;
            foreach (var (_, array) in ds.ArrayValues(parameter.Name))
            {
                array.Values.CopyTo(stacked, offset);
                offset += each;
            }

            var file = Path.Combine(directory, $"{stem}.{parameter.Name}.npy");
            Npy.Write(file, stacked, [arraySeqs.Count, .. shape]);
            written.Add(file);
            written.Add(WriteVector(directory, $"{stem}.{parameter.Name}.seq.npy", arraySeqs));
        }

        return written;
    }

    private static string Stem(MeasurementDataset ds) => Path.GetFileNameWithoutExtension(ds.Path);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static StreamWriter NewWriter(string path) => new(path, false, new UTF8Encoding(false), 1 << 16);

    private static string WriteVector(string directory, string name, List<double> values)
    {
        var file = Path.Combine(directory, name);
        Npy.Write(file, values.ToArray());
        return file;
    }

    private static int RankOf(MeasurementDataset ds, string name)
    {
        int? rank = null;
        foreach (var (seq, shape) in ds.ArrayShapes(name))
        {
            if (rank is null)
            {
                rank = shape.Length;
            }
            else if (rank != shape.Length)
            {
                throw new AimcException($"the arrays of {name} in {ds.Path} differ in rank (point {seq} has shape {MeasurementDataset.ShapeText(shape)}), so they share no index columns");
            }
        }

        return rank ?? 1;
    }

    /// <summary>Steps a row-major index to the next element.</summary>
    private static void Increment(int[] index, int[] shape)
    {
        for (var d = index.Length - 1; d >= 0; d--)
        {
            if (++index[d] < shape[d])
            {
                return;
            }

            index[d] = 0;
        }
    }
}
