using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;

namespace AimcHil.Emulator;

/// <summary>A model of one chip that training can sample and differentiate (noise-aware and physical training, hil's
/// physical backward): the chip's design as an emulator preset, with its device model and weight encoding. An emulated
/// chip is a model of itself; a calibrated digital twin is a model of the real chip it was fitted to.</summary>
public interface IChipModel
{
    /// <summary>The design: the preset the chip is built from, or the one calibration fitted.</summary>
    ChipPreset Preset { get; }

    /// <summary>The device model of <see cref="Preset"/>, whose programming noise noise-aware training samples.</summary>
    IDeviceModel Device { get; }

    /// <summary>How <see cref="Preset"/> maps a weight onto its devices.</summary>
    IWeightEncoding Encoding { get; }

    /// <summary>Whether the measured arrays in <see cref="Preset"/> (column gains and offsets, stuck devices) were
    /// measured on this one chip, so a model of it includes them: true for a calibrated twin. An emulated chip is
    /// modelled by its design alone; its fixed pattern is what training through the chip meets.</summary>
    bool Calibrated { get; }
}
