namespace AimcHil.Fuzz;

/// <summary>One kind of input the fuzzer feeds: how to run an input, and which exceptions are the documented answer to
/// a bad one. Any other exception escapes and is what afl-fuzz records as a crash.</summary>
internal abstract class FuzzTarget
{
    /// <summary>The name run.sh and the corpus folders use.</summary>
    public abstract string Name { get; }

    /// <summary>Every target, in the order run.sh fuzzes them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
        [new FrameTarget(), new SessionTarget(), new RigFileTarget(), new NpyTarget()];

    public static FuzzTarget Named(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>Runs one input; returns when it was handled or refused as documented.</summary>
    public void Run(byte[] input)
    {
        try
        {
            Execute(input);
        }
        catch (Exception e) when (IsDocumentedRefusal(e))
        {
        }
    }

    protected abstract void Execute(byte[] input);

    /// <summary>The exception types this reader documents for bad input (user errors, answered in one line).</summary>
    protected abstract bool IsDocumentedRefusal(Exception e);
}
