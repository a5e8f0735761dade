using AimcHil.Core;

namespace AimcHil.Training.Data;

/// <summary>A labelled set of examples: one row of features per example, normalized to [0, 1], and its class.</summary>
public sealed record Dataset(Grid<float> Features, int[] Labels, int Classes)
{
    public int Count => Labels.Length;
}
