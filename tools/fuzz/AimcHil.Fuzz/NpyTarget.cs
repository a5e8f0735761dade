using AimcHil.Numerics;

namespace AimcHil.Fuzz;

/// <summary>Bytes as a .npy stream: every array in it read in turn (as repeated np.save calls write them) and converted
/// to each element type the rest of AimcHil computes with. <see cref="NpyFormatException"/> is the documented refusal.</summary>
internal sealed class NpyTarget : FuzzTarget
{
    public override string Name => "npy";

    protected override void Execute(byte[] input)
    {
        var stream = new MemoryStream(input, writable: false);
        while (stream.Position < stream.Length)
        {
            var array = Npy.Read(stream, "fuzz.npy");
            array.ToDouble();
            array.ToSingle();
            array.ToInt32();
        }
    }

    protected override bool IsDocumentedRefusal(Exception e) => e is NpyFormatException;
}
