namespace AimcHil.Emulator.Devices;

/// <summary>A device defect that pins it at one end of its range whatever is programmed.</summary>
public enum StuckState
{
    None,
    StuckOff,
    StuckOn,
}
