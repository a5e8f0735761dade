using System.Text.RegularExpressions;

namespace AimcHil.Cli.Tests;

/// <summary>One concept per file: every C# file under src/ (bin and obj aside) declares exactly one top-level type,
/// of any kind and accessibility (class, struct, record, interface, enum or delegate; public, internal or file), named
/// as the file (<c>Foo.cs</c> declares <c>Foo</c> or <c>Foo&lt;T&gt;</c>); nested types belong to their outer type and
/// are not counted. A settings record, a result record or an enum that serves one type still gets its own file: a
/// reader finds every type by its name, and no file grows a second concept one small type at a time. A file of more
/// than 500 lines opens (its first line, before the usings) with a <c>// One piece: ...</c> comment that says what
/// single concept holds it together, so a large file is a decision somebody wrote down and not an accident.</summary>
/// <remarks>Top-level types are found as declarations at column 0, which holds because every file uses a file-scoped
/// namespace (checked first). There are no exceptions.</remarks>
public sealed partial class SourceFileConceptTests
{
    /// <summary>The longest a file may be without a <c>// One piece:</c> opening comment.</summary>
    private const int LongFileLines = 500;

    public static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void EveryFileUsesAFileScopedNamespace()
    {
        var blockScoped = SourceFiles().Where(f => !FileScopedNamespace().IsMatch(Read(f))).ToList();

        Assert.True(blockScoped.Count == 0, "no file-scoped namespace (top-level types are found at column 0):\n" + string.Join('\n', blockScoped));
    }

    [Fact]
    public void EveryFileDeclaresOneTopLevelTypeNamedAsTheFile()
    {
        var violations = new List<string>();
        foreach (var file in SourceFiles())
        {
            var types = TopLevelTypes(Read(file));
            var expected = Path.GetFileNameWithoutExtension(file);
            var breaks = types.Count != 1 || types[0] != expected;
            if (breaks)
            {
                violations.Add($"{file}: declares {Describe(types)}, not one type {expected}");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void EveryFileOverFiveHundredLinesSaysWhyItIsOnePiece()
    {
        var violations = new List<string>();
        foreach (var file in SourceFiles())
        {
            var lines = Read(file).Split('\n');
            var count = lines.Length - (lines[^1].Length == 0 ? 1 : 0);
            var opening = string.Join(' ', lines.TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
            var breaks = count > LongFileLines && !(opening.StartsWith("// One piece: ", StringComparison.Ordinal) && opening.Length > 60);
            if (breaks)
            {
                violations.Add($"{file}: {count} lines and no opening '// One piece: ...' comment saying why");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void FindsTopLevelTypesAndLeavesNestedOnesToTheirOuterType()
    {
        const string text = """
            namespace A;

            /// <summary>Main.</summary>
            public sealed class Main
            {
                public sealed record Nested(int X);
            }

            [Flags]
            internal enum Mode { A = 1 }

            public readonly record struct Pair(int A, int B);

            public delegate void Done(int code);

            static partial class Helpers;
            """;

        Assert.Equal(["Main", "Mode", "Pair", "Done", "Helpers"], TopLevelTypes(text));
        Assert.True(SourceFiles().Count() > 400, "src/ should hold more than 400 C# files");
        Assert.Contains("src/AimcHil.Emulator/EmulatedChip.cs", SourceFiles());
    }

    private static List<string> TopLevelTypes(string text) =>
        TopLevelType().Matches(text).Select(m => m.Groups["name"].Value).ToList();

    private static string Describe(List<string> types) => types.Count == 0 ? "no type" : string.Join(", ", types);

    private static string Read(string relative) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, relative)).Replace("\r\n", "\n");

    [GeneratedRegex(@"^namespace [\w.]+;$", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    /// <summary>A declaration at column 0, after optional attributes on the same line and any modifiers.</summary>
    [GeneratedRegex(@"^(?:\[[^\n]*\]\s*)?(?:(?:public|internal|file|sealed|static|abstract|readonly|partial|ref|unsafe|new)\s+)*(?:record\s+(?:class\s+|struct\s+)?|class\s+|struct\s+|interface\s+|enum\s+|delegate\s+\S+\s+)(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
