namespace AimcHil.Cli;

/// <summary>The forms of --reprogram (train, bench train), as ReprogramPolicy.Parse reads them: the help of both
/// commands and their completions (each form's prefix) come from this list, and CommandHelpChoicesTests checks the
/// parser takes each form and nothing else.</summary>
internal static class ReprogramForms
{
    /// <summary>Each form with its bounds, as the help and the parser's message state them.</summary>
    public static IReadOnlyList<string> All { get; } = ["every:K (K ≥ 1 steps)", "delta:D (0 < D ≤ 2, normalized weight change)"];

    /// <summary>What a user types before the number ("every:"): the completions a shell offers.</summary>
    public static IEnumerable<string> Prefixes => All.Select(f => f[..(f.IndexOf(':') + 1)]);

    /// <summary>The forms in one phrase for a help line.</summary>
    public static string Text => string.Join(" or ", All);
}
