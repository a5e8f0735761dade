namespace AimcHil.Rig.Direct;

/// <summary>TC1's PROGRAM_TOTALS register: what the last PROGRAM spent and how many weights it left out of tolerance.</summary>
public readonly record struct Tc1Totals(long TotalPulses, long UnconvergedWeights);
