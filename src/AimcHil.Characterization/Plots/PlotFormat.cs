namespace AimcHil.Characterization.Plots;

/// <summary>The image formats a plot is written in.</summary>
public enum PlotFormat
{
    Png,
    Svg,
    Both,
}
