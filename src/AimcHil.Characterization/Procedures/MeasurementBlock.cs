namespace AimcHil.Characterization.Procedures;

/// <summary>A stretch of a procedure that starts from a state the block sets itself (it programs what it reads), so it
/// can be measured again from its start on resume: points FirstSeq … FirstSeq + Points − 1.</summary>
public sealed record MeasurementBlock(string Label, long FirstSeq, int Points, Action<BlockContext> Measure);
