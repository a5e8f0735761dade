namespace AimcHil.Rig.Direct;

/// <summary>A CONVST line wired to several AD7606s: opened once, pulsed by one of them (the leader) for all.</summary>
internal sealed class SharedConvst(int line)
{
    public int Line { get; } = line;

    public bool Opened { get; set; }

    /// <summary>The part's view of the GPIO chip that pulses the line; the first to pulse it.</summary>
    public SharedLineGpioDriver? Leader { get; set; }
}
