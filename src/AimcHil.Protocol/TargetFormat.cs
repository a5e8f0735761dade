namespace AimcHil.Protocol;

/// <summary>How PROGRAM_CELLS (protocol 1.2) carries weight targets (its u8 target_format).</summary>
public enum TargetFormat : byte
{
    /// <summary>IEEE-754 binary32, bit-exact: for runs that must equal an in-process run.</summary>
    F32 = 0,

    /// <summary>16-bit fixed point with 14 fraction bits: i16 t in [-16384, 16384], target = t / 16384 (steps of
    /// 6.1e-5, far below any device's programming spread; ±1, 0 and binary fractions such as 0.125 exact): the
    /// default.</summary>
    Q14 = 1,
}
