namespace AimcHil.Core;

/// <summary>The memory device that stores a weight.</summary>
public enum DeviceTechnology
{
    Pcm,
    Rram,
    Sram,
    FeFet,
    Flash,
}
