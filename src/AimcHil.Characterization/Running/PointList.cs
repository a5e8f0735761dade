using AimcHil.Characterization.Datasets;

namespace AimcHil.Characterization.Running;

/// <summary>Points kept in memory, in sequence order: the sink of a simulated measurement inside a fit.</summary>
public sealed class PointList : IPointSink
{
    private readonly SortedDictionary<long, DataPoint> _points = [];

    public IReadOnlyCollection<DataPoint> Points => _points.Values;

    public bool Contains(long seq) => _points.ContainsKey(seq);

    public void Append(DataPoint point)
    {
        if (!_points.TryAdd(point.Seq, point))
        {
            throw new InvalidOperationException($"point {point.Seq} was already recorded");
        }
    }
}
