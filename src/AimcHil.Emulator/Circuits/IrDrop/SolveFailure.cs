namespace AimcHil.Emulator.Circuits;

/// <summary>Why an iterative IR-drop solve stopped short of its tolerance: the limit it met, the residual or curvature
/// it had then, and after how many sweeps.</summary>
internal readonly record struct SolveFailure(SolveFailure.Limit Met, double Value, int Sweeps)
{
    /// <summary>The limits an iterative solve can meet.</summary>
    public enum Limit
    {
        /// <summary>maxSweeps ran out; <see cref="Value"/> is the worst residual left.</summary>
        SweepLimit,

        /// <summary>The Schur system stopped being positive definite in the conjugate gradients; <see cref="Value"/> is pᵀSp.</summary>
        LostDefiniteness,

        /// <summary>The true residual stopped falling above the tolerance (the floating-point floor); <see cref="Value"/> is it.</summary>
        Stalled,
    }

    public override string ToString() => Met switch
    {
        Limit.SweepLimit => $"still at {Value:G3} after {Sweeps} sweeps (maxSweeps)",
        Limit.LostDefiniteness => $"loss of positive definiteness (pᵀSp = {Value}) after {Sweeps} sweeps",
        _ => $"true residual stalled at {Value:G3} after {Sweeps} sweeps (floating-point floor above the tolerance)",
    };
}
