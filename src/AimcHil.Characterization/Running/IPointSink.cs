using AimcHil.Characterization.Datasets;

namespace AimcHil.Characterization.Running;

/// <summary>Where a procedure's points go: a dataset on disk, or a list in memory when a fit simulates a candidate twin.</summary>
public interface IPointSink
{
    bool Contains(long seq);

    void Append(DataPoint point);
}
