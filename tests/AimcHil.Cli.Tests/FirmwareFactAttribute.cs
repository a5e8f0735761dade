namespace AimcHil.Cli.Tests;

/// <summary>A fact that builds and runs the C firmware: skipped, saying why, where cmake or a C compiler is missing.</summary>
public sealed class FirmwareFactAttribute : FactAttribute
{
    public FirmwareFactAttribute()
    {
        if (FirmwareHost.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
