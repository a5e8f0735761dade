namespace AimcHil.Characterization.Datasets;

/// <summary>An array value of one point (a tile's read-back, a column's codes), float32 in row-major order.</summary>
public sealed record PointArray(int[] Shape, float[] Values)
{
    public static PointArray Of(float[] values) => new([values.Length], values);

    public static PointArray Of(int rows, int cols, float[] values) => new([rows, cols], values);
}
