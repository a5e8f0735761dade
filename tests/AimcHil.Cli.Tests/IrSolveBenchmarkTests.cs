using AimcHil.Cli.Commands;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;

namespace AimcHil.Cli.Tests;

/// <summary>The <c>ir_solve</c> benchmark's figures hang together; their size is the benchmark's business, not a test's.</summary>
public class IrSolveBenchmarkTests
{
    [Fact]
    public void FiguresOfASmallTileOfTheBenchmarkChipAreConsistent()
    {
        var chip = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "fmnist-hil-1.yaml")).Chip! with { Rows = 24, Cols = 16 };

        var figures = IrSolveBenchmark.Measure(chip);

        Assert.True(figures.SolveSeconds > 0 && figures.AdjointSeconds > 0);
        Assert.True(figures.AdjointFlops > figures.SolveFlops && figures.SolveFlops > 0);
        Assert.Equal(figures.SolveFlops / figures.SolveSeconds / 1e9, figures.SolveGflops, 1e-9);
        Assert.Equal(figures.AdjointFlops / figures.AdjointSeconds / 1e9, figures.AdjointGflops, 1e-9);
        Assert.StartsWith("line relaxation", figures.Method);
        Assert.Contains("of 768 cells conducting", figures.Method);
    }

    [Fact]
    public void AChipWithIdealWiresHasNothingToSolve()
    {
        var chip = new ChipPreset { Name = "ideal", Rows = 8, Cols = 8 };

        var error = Assert.Throws<AimcException>(() => IrSolveBenchmark.Measure(chip));

        Assert.Contains("ideal wires", error.Message);
    }
}
