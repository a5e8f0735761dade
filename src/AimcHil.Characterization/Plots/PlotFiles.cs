using AimcHil.Core;
using ScottPlot;

namespace AimcHil.Characterization.Plots;

/// <summary>Where the plots of one source go (<c>DIRECTORY/STEM.PLOT.png</c> and/or <c>.svg</c>), the files written so
/// far, and the style every plot starts from.</summary>
internal sealed class PlotFiles
{
    private readonly List<string> _written = [];

    public PlotFiles(string directory, string stem, PlotFormat format, PlotSize size)
    {
        if (size.Width < 1 || size.Height < 1)
        {
            throw new AimcException($"a plot needs a positive size, not {size.Width}×{size.Height}");
        }

        Directory = directory;
        Stem = stem;
        Format = format;
        Size = size;
    }

    public string Directory { get; }

    public string Stem { get; }

    public PlotFormat Format { get; }

    public PlotSize Size { get; }

    public IReadOnlyList<string> Written => _written;

    /// <summary>A sans-serif face that is installed: ScottPlot's own pick (<c>Fonts.Sans</c>) falls back to a serif
    /// face on a machine without its favorite, which reads poorly at tick-label sizes.</summary>
    private static readonly string Face = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }.FirstOrDefault(f => Fonts.GetTypeface(f, false, false) is { } face && face.FamilyName == f) ?? Fonts.Sans;

    /// <summary>A plot in the common style: sans-serif text, title and axis labels set.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Face);
        plot.Title(title, 14);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    /// <summary>Writes <paramref name="plot"/> as <c>STEM.NAME</c> in the requested formats.</summary>
    public void Save(Plot plot, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (Format is PlotFormat.Png or PlotFormat.Both)
        {
            var path = Path.Combine(Directory, $"{Stem}.{name}.png");
            plot.SavePng(path, Size.Width, Size.Height);
            _written.Add(path);
        }

        if (Format is PlotFormat.Svg or PlotFormat.Both)
        {
            var path = Path.Combine(Directory, $"{Stem}.{name}.svg");
            plot.SaveSvg(path, Size.Width, Size.Height);
            _written.Add(path);
        }
    }
}
