using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Mapping;
using AimcHil.Rig;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Runs;

/// <summary>A calibrated digital twin opened as a training model: the emulator rig file <c>aimc calibrate</c> fitted to
/// one real chip, whose design and measured fixed pattern stand in for the chip in the backward pass (hil
/// <c>--backward-model calibrated</c>) or in the whole training (<c>--mode physical</c>).</summary>
public sealed class DigitalTwin : IChipModel
{
    private IDeviceModel? _device;
    private IWeightEncoding? _encoding;

    private DigitalTwin(string path, ChipPreset preset, CrossbarPhysics physics)
    {
        Path = path;
        Preset = preset;
        Physics = physics;
    }

    /// <summary>The twin's rig file, as given.</summary>
    public string Path { get; }

    /// <summary>The fitted emulator preset: the chip's design as calibration found it.</summary>
    public ChipPreset Preset { get; }

    /// <summary>The twin's differentiable physics: its design with what calibration measured of this one chip.</summary>
    public CrossbarPhysics Physics { get; }

    /// <summary>The device model of the fitted preset (made when first asked for: the trainer's modes that use a twin
    /// differentiate <see cref="Physics"/> and never sample it).</summary>
    public IDeviceModel Device => _device ??= Preset.CreateDevice();

    /// <summary>The fitted preset's weight encoding.</summary>
    public IWeightEncoding Encoding => _encoding ??= DomainPhysics.Create(Preset, Device).Encoding;

    /// <summary>A twin's measured arrays are this chip's: calibration measured them on it.</summary>
    public bool Calibrated => true;

    /// <summary>What calibration measured of this one chip (column gains and offsets, stuck devices); null when the
    /// twin holds none of it.</summary>
    public MeasuredPattern? Measured => Physics.Measured;

    /// <summary>Opens the twin at <paramref name="path"/> for the chip described by <paramref name="chip"/>, refusing a
    /// rig file that is no twin and a twin of a chip of another shape.</summary>
    public static DigitalTwin Open(string path, ChipInfo chip)
    {
        if (!File.Exists(path))
        {
            throw new AimcException($"--twin {path}: no such file; give the twin.yaml that `aimc calibrate` wrote");
        }

        var rig = RigFileReader.Read(path);
        if (rig.Kind != RigKind.Emulator || rig.Chip is not { } preset)
        {
            throw new AimcException($"--twin {path}: a digital twin is an emulator rig file, but this one is kind {SnakeCase.Of(rig.Kind)}; give the twin.yaml that `aimc calibrate` wrote");
        }

        // A twin of another chip shape cannot say anything about this chip's tiles and columns.
        if (preset.Rows != chip.Rows || preset.Cols != chip.Cols || preset.Tiles != chip.Tiles || preset.Domain != chip.Domain)
        {
            throw new AimcException(
                $"--twin {path}: the twin {preset.Name} is {Shape(preset.Rows, preset.Cols, preset.Tiles, preset.Domain)} but the chip {chip.Name} is " +
                $"{Shape(chip.Rows, chip.Cols, chip.Tiles, chip.Domain)}; give the twin calibrated on this chip");
        }

        // The design first: it refuses a domain the model does not cover before the arrays are read as its devices'.
        _ = new CrossbarPhysics(preset);
        return new DigitalTwin(path, preset, new CrossbarPhysics(preset, MeasuredOf(preset)));
    }

    /// <summary>The measured arrays a twin's preset carries (the rig reader has loaded and checked them), in the
    /// model's units; null when it carries none.</summary>
    public static MeasuredPattern? MeasuredOf(ChipPreset preset)
    {
        var mismatch = preset.ColumnMismatch;

        // A chip with its read-out mismatch switched off ignores measured gains and offsets; so does its model.
        var gain = mismatch.Enabled ? mismatch.MeasuredGain : null;
        var offset = mismatch.Enabled ? mismatch.MeasuredOffset : null;
        if (gain is null && offset is null && preset.MeasuredStuck is null)
        {
            return null;
        }

        float[][]? offsetMac = null;
        if (offset is not null)
        {
            // Offsets are fractions of the ADC's full scale; the model adds MACs.
            var domain = DomainPhysics.Create(preset, preset.CreateDevice());
            var macFullScale = domain.OutputRange(domain.CreateAdc()).MacFullScale;
            offsetMac = [.. offset.Select(row => row.Select(o => (float)(o * macFullScale)).ToArray())];
        }

        return new MeasuredPattern(preset.Tiles, preset.Rows, preset.Cols, gain, offsetMac, preset.MeasuredStuck);
    }

    private static string Shape(int rows, int cols, int tiles, ComputationDomain domain) =>
        $"{rows}×{cols}, {tiles} tile{(tiles == 1 ? string.Empty : "s")}, {SnakeCase.Of(domain)} domain";
}
