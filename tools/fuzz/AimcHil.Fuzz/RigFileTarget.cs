using System.Text;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Rig;

namespace AimcHil.Fuzz;

/// <summary>Rig file text through the reader, and what it accepts opened as the CLI would (emulators and emulated direct
/// benches: nothing that needs hardware or a network) and asked for one MVM. The documented refusals are the ones the
/// CLI prints as one line: <see cref="AimcException"/> and, for a twin's arrays, <see cref="NpyFormatException"/>.</summary>
internal sealed class RigFileTarget : FuzzTarget
{
    /// <summary>An empty folder to read the file "from": a twin's arrays named in the text are looked up beside it.</summary>
    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("aimc-fuzz-rig-").FullName);

    public override string Name => "rigfile";

    protected override void Execute(byte[] input)
    {
        var rig = RigFileReader.Parse(Encoding.UTF8.GetString(input), Path.Combine(Folder.Value, "fuzz.yaml"));
        using var chip = Open(rig);
        if (chip is null)
        {
            return;
        }

        var info = chip.Info;
        chip.Mvm(0, new Grid<int>(1, info.Rows, Enumerable.Repeat(1, info.Rows).ToArray()));
    }

    protected override bool IsDocumentedRefusal(Exception e) => e is AimcException or NpyFormatException;

    private static IAimcChip? Open(RigFile rig) => rig.Kind switch
    {
        RigKind.Emulator => RigConnector.OpenEmulator(rig, new RigOptions()),
        RigKind.Direct when rig.Direct is { Emulated: true } => RigConnector.OpenDirect(rig, new RigOptions()),
        _ => null,
    };
}
