namespace AimcHil.Rig.Direct;

/// <summary>What one MVM sample costs on a direct rig's buses: kernel calls and bytes on the wires.</summary>
public readonly record struct BusCost(double KernelCalls, double BusBytes);
