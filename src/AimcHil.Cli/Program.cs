using System.CommandLine;
using AimcHil.Cli.Commands;

namespace AimcHil.Cli;

/// <summary>The <c>aimc</c> tool: the bench's command line.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("aimc: drive, emulate and characterize analog in-memory computing chips")
        {
            InfoCommand.Create(),
            MvmCommand.Create(),
            TrainCommand.Create(),
            BenchCommand.Create(),
            EmulateCommand.Create(),
            ProbeCommand.Create(),
            CharacterizeCommand.Create(),
            CalibrateCommand.Create(),
            TwinCheckCommand.Create(),
            ExportCommand.Create(),
            PlotCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
