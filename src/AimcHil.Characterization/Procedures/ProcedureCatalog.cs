using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>The measurements by CLI name with their default settings, and the order "all" runs them in: stuck first
/// (the fits leave stuck devices out), the quick MVM sweeps next, the timed reads, which wait on hardware, last.</summary>
public static class ProcedureCatalog
{
    /// <summary>Every measurement, in the order <c>all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["stuck", "programming", "transfer", "ir-drop", "read-noise", "drift"];

    public static Procedure Create(string name) => name switch
    {
        "stuck" => new StuckProcedure(new StuckSettings()),
        "programming" => new ProgrammingProcedure(new ProgrammingSettings()),
        "read-noise" => TimedReadProcedure.ReadNoise(),
        "drift" => TimedReadProcedure.Drift(),
        "transfer" => new TransferProcedure(new TransferSettings()),
        "ir-drop" => new IrDropProcedure(new IrDropSettings()),
        _ => throw new AimcException($"no measurement named {name}: use one of {string.Join(", ", Names)} or all"),
    };

    /// <summary>The procedures a CLI name stands for ("all" for every one).</summary>
    public static IReadOnlyList<Procedure> Resolve(string name) =>
        name == "all" ? Names.Select(Create).ToList() : [Create(name)];
}
