namespace AimcHil.Characterization.Plots;

/// <summary>The size a plot is rendered at: PNG pixels, SVG user units.</summary>
public readonly record struct PlotSize(int Width, int Height)
{
    public static PlotSize Default { get; } = new(800, 600);
}
