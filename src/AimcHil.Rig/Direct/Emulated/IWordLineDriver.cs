namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An emulated DAC as the chip's word lines see it: the voltage on each of its output pins.</summary>
public interface IWordLineDriver
{
    int Channels { get; }

    /// <summary>The voltage on output <paramref name="channel"/> now.</summary>
    double OutputVolts(int channel);
}
