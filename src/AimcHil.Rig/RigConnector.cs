using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Rig;

/// <summary>Opens a rig file and returns a ready chip, whatever stands behind it.</summary>
public static class RigConnector
{
    public static IAimcChip Open(string path, RigOptions? options = null) => Open(RigFileReader.Read(path), options);

    public static IAimcChip Open(RigFile rig, RigOptions? options = null)
    {
        options ??= new RigOptions();
        switch (rig.Kind)
        {
            case RigKind.Emulator:
                var preset = rig.Chip!;
                if (options.Ideal)
                {
                    preset = preset.Ideal();
                }

                try
                {
                    return new EmulatedChip(preset, options.Seed ?? rig.Seed);
                }
                catch (AimcException e)
                {
                    throw new AimcException($"{rig.Path}: {e.Message}", e);
                }
                catch (ArgumentException e)
                {
                    throw new AimcException($"{rig.Path}: {e.Message}", e);
                }

            default:
                throw new AimcException($"{rig.Path}: rig kind '{rig.Kind}' cannot be opened by this version");
        }
    }
}
