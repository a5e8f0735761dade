namespace AimcHil.Cli.Tests;

/// <summary>A fact that builds the C firmware's cortex-m3 image and runs it in QEMU: skipped, saying why, where
/// qemu-system-arm, the arm-none-eabi cross compiler or its C library is missing.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        if (QemuFirmwareImage.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
