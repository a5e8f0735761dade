using AimcHil.Characterization.Datasets;

namespace AimcHil.Characterization.Running;

/// <summary>A dataset as the sink of a measurement run: every point committed as it is measured.</summary>
public sealed class DatasetSink(MeasurementDataset dataset) : IPointSink
{
    public bool Contains(long seq) => dataset.Contains(seq);

    public void Append(DataPoint point) => dataset.Append(point);
}
