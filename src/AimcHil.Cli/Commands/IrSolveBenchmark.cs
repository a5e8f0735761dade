using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Circuits;
using AimcHil.Emulator.Mapping;
using AimcHil.Numerics;
using AimcHil.Rig;

namespace AimcHil.Cli.Commands;

/// <summary>The <c>ir_solve</c> benchmark: IR-drop solve and VJP of one realistic tile of the benchmark chip, as the
/// physical training model calls them (tolerance 1e-8).</summary>
/// <remarks>
/// The tile is fmnist-hil-1's: 256 rows × 256 weights as differential pairs (512 physical columns), the preset's device
/// full scale and wire segments, weights drawn uniform in [−1, 1] with a fixed seed and mapped to conductances exactly as
/// <c>CrossbarPhysics</c> maps them (G⁺ = max(w, 0)·span, G⁻ = max(−w, 0)·span, quantized by the device), so one device
/// of every pair sits at 0 S as a trained network leaves it. The output gradient of the VJP is a random dL/dWeff pushed
/// through the pair encoding the same way (+γ on G⁺, −γ on G⁻). Each figure is the median of <see cref="Runs"/> timed
/// calls after one warm-up call. Flops are the solver's own analytic count (<see cref="IrDropSolveReport.Flops"/>):
/// per conducting cell and input, 15 per elimination pass (word ladder forward 3 and backward 2, G·t 1, bit elimination
/// 3, residual energy 6; 10 in a solve's first pass, which starts from w = 0 and skips the word ladders) and 2 per back
/// substitution, times the passes actually run; the VJP adds the adjoint system's
/// sweeps and 16 per cell and input for the gradient assembly. The O(cells) ladder factorizations are not counted.
/// </remarks>
internal static class IrSolveBenchmark
{
    /// <summary>Timed calls per figure after the warm-up.</summary>
    public const int Runs = 5;

    /// <summary>The physical model's tolerance (CrossbarPhysics).</summary>
    private const double Tolerance = 1e-8;

    private const ulong Seed = 12;

    /// <summary>Measures the tile of hil-rigs/fmnist-hil-1.yaml (relative to the working directory, as <c>aimc bench</c>'s defaults are).</summary>
    public static IrSolveFigures Measure()
    {
        var file = RigFileReader.Read(Path.Combine("hil-rigs", "fmnist-hil-1.yaml"));
        return Measure(file.Chip ?? throw new AimcException($"{file.Path}: the ir_solve benchmark needs an emulator rig"));
    }

    /// <summary>Measures one tile of <paramref name="chip"/>: its rows × cols weights as differential pairs.</summary>
    public static IrSolveFigures Measure(ChipPreset chip)
    {
        if (chip.Wires.WordSegmentOhm <= 0 || chip.Wires.BitSegmentOhm <= 0)
        {
            throw new AimcException($"the chip {chip.Name} has ideal wires (word {chip.Wires.WordSegmentOhm} Ω, bit {chip.Wires.BitSegmentOhm} Ω): there is no IR-drop network to solve");
        }

        var rows = chip.Rows;
        var cols = 2 * chip.Cols;
        var device = chip.CreateDevice();
        var random = SeededRandom.For(Seed, "ir_solve weights");
        var weights = new float[rows * chip.Cols];
        for (var k = 0; k < weights.Length; k++)
        {
            weights[k] = (float)((2 * random.NextDouble()) - 1);
        }

        var targets = new[] { new float[weights.Length], new float[weights.Length] };
        new DifferentialPairEncoding(device).Encode(weights, targets);
        var conductance = new double[rows * cols];
        var gamma = new double[rows * cols];
        var gradients = SeededRandom.For(Seed, "ir_solve gradient");
        for (var k = 0; k < weights.Length; k++)
        {
            conductance[2 * k] = targets[0][k] * device.FullScale;
            conductance[(2 * k) + 1] = targets[1][k] * device.FullScale;
            var effectiveGradient = ((2 * gradients.NextDouble()) - 1) / device.FullScale;
            gamma[2 * k] = effectiveGradient;
            gamma[(2 * k) + 1] = -effectiveGradient;
        }

        var word = chip.Wires.WordSegmentOhm;
        var bit = chip.Wires.BitSegmentOhm;
        IrDropSolveReport solve = null!;
        IrDropSolveReport adjoint = null!;
        var solveSeconds = MedianSeconds(() => IrDropNetwork.EffectiveConductance(conductance, rows, cols, word, bit, out solve, Tolerance));
        var adjointSeconds = MedianSeconds(() => IrDropNetwork.EffectiveConductanceVjp(conductance, rows, cols, word, bit, gamma, out adjoint, Tolerance));
        var method = $"{solve.Method}; {solve.ConductingCells} of {rows * cols} cells conducting, {solve.Blocks} blocks of inputs, "
            + $"{(double)solve.RelaxationSweeps / solve.Blocks:F1} sweeps per block (VJP: {(double)adjoint.RelaxationSweeps / adjoint.Blocks:F1} forward and adjoint), "
            + $"tolerance {Tolerance}, {Environment.ProcessorCount} cores";
        return new IrSolveFigures(
            solveSeconds,
            adjointSeconds,
            solve.Flops,
            adjoint.Flops,
            solve.Flops / solveSeconds / 1e9,
            adjoint.Flops / adjointSeconds / 1e9,
            method);
    }

    private static double MedianSeconds(Action call)
    {
        call();
        var seconds = new double[Runs];
        for (var run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            call();
            seconds[run] = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(seconds);
        return seconds[Runs / 2];
    }
}
