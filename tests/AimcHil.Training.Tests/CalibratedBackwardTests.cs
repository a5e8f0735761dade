using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;
using AimcHil.Rig;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;
using AimcHil.Training.Runs;
using AimcHil.Training.Tests.Runs;

namespace AimcHil.Training.Tests;

/// <summary>The calibrated model (a digital twin's physics plus the chip's measured column gains, offsets and stuck
/// devices): its Jacobian against finite differences of its own forward, its identity with the physical model when
/// nothing was measured, and the options that select it.</summary>
public class CalibratedBackwardTests
{
    private const int Rows = 8;
    private const int Cols = 4;
    private const int Tiles = 4;

    /// <summary>Small 8×4 tiles of RRAM without level rounding (a smooth model), with an I–V curve and 1 Ω wires.</summary>
    private static ChipPreset Preset => new()
    {
        Name = "calibrated-test",
        Device = DeviceTechnology.Rram,
        Rows = Rows,
        Cols = Cols,
        Tiles = Tiles,
        Rram = new RramConfig().Ideal() with { IvNonLinearity = true, IvA2PerVolt = 0.25, IvA3PerVoltSquared = 2.5 },
        Wires = new WireConfig { WordSegmentOhm = 1, BitSegmentOhm = 1 },
    };

    /// <summary>Input 2 → output 1 sits on tile 0 at (2, 1) and is made positive with its G⁺ stuck off; input 9 → output
    /// 5 sits on tile 3 at (1, 1) and is made negative with its G⁻ stuck on: neither weight moves its device.</summary>
    private const int FrozenPositive = (1 * 12) + 2;
    private const int FrozenNegative = (5 * 12) + 9;

    /// <summary>Gains that differ per tile and column, offsets, and stuck devices on both arrays of several tiles.</summary>
    private static MeasuredPattern Measured()
    {
        var gain = new float[Tiles][];
        var offset = new float[Tiles][];
        for (var t = 0; t < Tiles; t++)
        {
            gain[t] = new float[Cols];
            offset[t] = new float[Cols];
            for (var c = 0; c < Cols; c++)
            {
                gain[t][c] = 0.8f + (0.05f * ((t * Cols) + c));
                offset[t][c] = 0.01f * (c - t);
            }
        }

        var stuck = new sbyte[Tiles * MeasuredPattern.Arrays * Rows * Cols];
        void Stick(int tile, int array, int row, int col, StuckState state) =>
            stuck[(((((tile * MeasuredPattern.Arrays) + array) * Rows) + row) * Cols) + col] = (sbyte)state;
        Stick(0, 0, 2, 1, StuckState.StuckOff);
        Stick(0, 1, 5, 3, StuckState.StuckOn);
        Stick(1, 0, 0, 0, StuckState.StuckOn);
        Stick(2, 1, 3, 2, StuckState.StuckOff);
        Stick(3, 1, 1, 1, StuckState.StuckOn);
        return new MeasuredPattern(Tiles, Rows, Cols, gain, offset, stuck);
    }

    /// <summary>Weights away from 0, where the differential pair switches devices and the model has a kink.</summary>
    private static float[] Weights(int n, ulong seed)
    {
        var rng = SeededRandom.For(seed, "w");
        var w = new float[n];
        for (var k = 0; k < n; k++)
        {
            var magnitude = 0.15f + (0.8f * (float)rng.NextDouble());
            w[k] = rng.NextDouble() < 0.5 ? -magnitude : magnitude;
        }

        return w;
    }

    /// <summary>A 12→6 layer on four 8×4 tiles (two row blocks by two column blocks) through <paramref name="physics"/>.</summary>
    private static AnalogLinear Layer(ChipInfo chip, CrossbarPhysics physics, bool quantize)
    {
        var linear = new Linear("fc", 12, 6, SeededRandom.For(4, "init"));
        Weights(12 * 6, 5).CopyTo(linear.Weight.Value, 0);
        linear.Weight.Value[FrozenPositive] = Math.Abs(linear.Weight.Value[FrozenPositive]);
        linear.Weight.Value[FrozenNegative] = -Math.Abs(linear.Weight.Value[FrozenNegative]);
        var layer = new AnalogLinear(linear, new TileAllocation(chip).Allocate("fc", 12, 6), chip, 1.5f)
        {
            Physics = physics,
            Path = ForwardPath.PhysicalModel,
            QuantizeInModel = quantize,
        };
        layer.UpdateScale();
        return layer;
    }

    [Fact]
    public void TheLayerSpansFourTilesWithItsOwnGains()
    {
        using var chip = new EmulatedChip(Preset, 1);

        var blocks = new TileAllocation(chip.Info).Allocate("fc", 12, 6);

        Assert.Equal([0, 1, 2, 3], blocks.Select(b => b.Tile));
        Assert.Equal((8, 4, 4, 2), (blocks[3].RowStart, blocks[3].Rows, blocks[3].ColStart, blocks[3].Cols));
    }

    [Fact]
    public void CalibratedEffectiveWeightGradientMatchesFiniteDifferences()
    {
        var physics = new CrossbarPhysics(Preset, Measured());
        var w = Weights(Rows * Cols, 1);
        var upstream = Weights(Rows * Cols, 2);
        for (var tile = 0; tile < Tiles; tile++)
        {
            double Loss(float[] weights) => physics.EffectiveWeights(weights, Rows, Cols, tile).Zip(upstream, (e, u) => (double)e * u).Sum();

            var analytic = physics.EffectiveWeightsVjp(w, Rows, Cols, upstream, tile);

            for (var k = 0; k < w.Length; k++)
            {
                var step = 1e-3f;
                var plus = (float[])w.Clone();
                var minus = (float[])w.Clone();
                plus[k] += step;
                minus[k] -= step;
                var numeric = (Loss(plus) - Loss(minus)) / (2 * step);
                Assert.True(Math.Abs(numeric - analytic[k]) <= 2e-3 * (Math.Abs(numeric) + 1e-2), $"tile {tile}, weight {k}: numeric {numeric}, analytic {analytic[k]}");
            }
        }
    }

    [Fact]
    public void GainsScaleEachColumnOfTheEffectiveWeightsAndStuckDevicesSitAtTheirRail()
    {
        var measured = Measured();
        var design = new CrossbarPhysics(Preset with { Wires = new WireConfig() });
        var twin = new CrossbarPhysics(Preset with { Wires = new WireConfig() }, measured);
        var floor = Preset.CreateDevice().MinState;
        var w = Weights(Rows * Cols, 3);
        w[(2 * Cols) + 1] = 0.5f;

        var plain = design.EffectiveWeights(w, Rows, Cols, tile: 0);
        var calibrated = twin.EffectiveWeights(w, Rows, Cols, tile: 0);

        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Cols; j++)
            {
                var k = (i * Cols) + j;
                var expected = (i, j) switch
                {
                    // G⁺ stuck off (at zero): only the partner's floor remains, −min/span, whatever w asks.
                    (2, 1) => -floor / (1 - floor),
                    // G⁻ stuck on (at the top, min + span): the pair reads w⁺ − 1.
                    (5, 3) => Math.Max(w[k], 0f) - 1f,
                    _ => plain[k],
                };
                Assert.Equal(expected * measured.GainOf(0, j), calibrated[k], 5);
            }
        }
    }

    [Fact]
    public void CalibratedLayerJacobianMatchesFiniteDifferencesOfTheCalibratedForward()
    {
        using var chip = new EmulatedChip(Preset, 1);
        var layer = Layer(chip.Info, new CrossbarPhysics(Preset, Measured()), quantize: false);
        var linear = layer.Shadow;

        // Head-room above each column's largest weight keeps finite differences off the device range's edge.
        for (var j = 0; j < layer.ColumnScale.Length; j++)
        {
            layer.ColumnScale[j] *= 1.2f;
        }

        var x = new Grid<float>(3, 12);
        SeededRandom.For(6, "x").FillUniform(x.Data, -1.4f, 1.4f);
        var upstream = new Grid<float>(3, 6);
        SeededRandom.For(7, "g").FillUniform(upstream.Data, -1f, 1f);
        double Loss() => layer.Forward(x, training: true).Data.Zip(upstream.Data, (y, g) => (double)y * g).Sum();

        Loss();
        linear.Weight.ZeroGradient();
        linear.Bias.ZeroGradient();
        var inputGradient = layer.Backward(upstream);
        var weightGradient = (float[])linear.Weight.Gradient.Clone();

        for (var k = 0; k < x.Data.Length; k++)
        {
            var keep = x.Data[k];
            x.Data[k] = keep + 1e-2f;
            var plus = Loss();
            x.Data[k] = keep - 1e-2f;
            var minus = Loss();
            x.Data[k] = keep;
            var numeric = (plus - minus) / 2e-2;
            Assert.True(Math.Abs(numeric - inputGradient.Data[k]) <= (5e-3 * Math.Abs(numeric)) + 5e-4, $"input {k}: numeric {numeric}, analytic {inputGradient.Data[k]}");
        }

        for (var k = 0; k < weightGradient.Length; k++)
        {
            var keep = linear.Weight.Value[k];
            linear.Weight.Value[k] = keep + 1e-2f;
            var plus = Loss();
            linear.Weight.Value[k] = keep - 1e-2f;
            var minus = Loss();
            linear.Weight.Value[k] = keep;
            var numeric = (plus - minus) / 2e-2;
            Assert.True(Math.Abs(numeric - weightGradient[k]) <= (5e-3 * Math.Abs(numeric)) + 5e-4, $"weight {k}: numeric {numeric}, analytic {weightGradient[k]}");
        }

        // A weight whose only moving device is stuck does not move the output at all.
        Assert.Equal(0f, weightGradient[FrozenPositive]);
        Assert.Equal(0f, weightGradient[FrozenNegative]);
    }

    [Fact]
    public void WithUnitGainsNoOffsetsAndNoStuckDevicesTheCalibratedModelIsThePhysicalModel()
    {
        using var chip = new EmulatedChip(Preset, 1);
        var unit = new float[Tiles][];
        var zero = new float[Tiles][];
        for (var t = 0; t < Tiles; t++)
        {
            unit[t] = [.. Enumerable.Repeat(1f, Cols)];
            zero[t] = new float[Cols];
        }

        var healthy = new sbyte[Tiles * MeasuredPattern.Arrays * Rows * Cols];
        var physical = Layer(chip.Info, new CrossbarPhysics(Preset), quantize: true);
        var calibrated = Layer(chip.Info, new CrossbarPhysics(Preset, new MeasuredPattern(Tiles, Rows, Cols, unit, zero, healthy)), quantize: true);
        var x = new Grid<float>(5, 12);
        SeededRandom.For(8, "x").FillUniform(x.Data, -1.4f, 1.4f);
        var upstream = new Grid<float>(5, 6);
        SeededRandom.For(9, "g").FillUniform(upstream.Data, -1f, 1f);

        var physicalOutput = physical.Forward(x, training: true);
        var calibratedOutput = calibrated.Forward(x, training: true);
        var physicalInputGradient = physical.Backward(upstream);
        var calibratedInputGradient = calibrated.Backward(upstream);

        Assert.Equal(physicalOutput.Data, calibratedOutput.Data);
        Assert.Equal(physicalInputGradient.Data, calibratedInputGradient.Data);
        Assert.Equal(physical.Shadow.Weight.Gradient, calibrated.Shadow.Weight.Gradient);
        Assert.Equal(physical.Shadow.Bias.Gradient, calibrated.Shadow.Bias.Gradient);
    }

    [Fact]
    public void HilWithTheCalibratedBackwardModelUsesItsJacobianAtTheMeasuredInputs()
    {
        using var chip = new EmulatedChip(Preset, 1);
        AnalogLinear Programmed(ForwardPath path)
        {
            var layer = Layer(chip.Info, new CrossbarPhysics(Preset, Measured()), quantize: true);
            layer.PhysicalBackward = true;
            layer.Program(chip, WriteVerifyOptions.SinglePulse);
            layer.Path = path;
            return layer;
        }

        var measured = Programmed(ForwardPath.Chip);
        var modelled = Programmed(ForwardPath.PhysicalModel);
        var x = new Grid<float>(3, 12);
        SeededRandom.For(6, "x").FillUniform(x.Data, -0.3f, 0.3f);
        var upstream = new Grid<float>(3, 6);
        SeededRandom.For(7, "g").FillUniform(upstream.Data, -1f, 1f);

        measured.Forward(x, training: true);
        modelled.Forward(x, training: true);
        var measuredInputGradient = measured.Backward(upstream);
        var modelledInputGradient = modelled.Backward(upstream);

        // Same quantized inputs, same calibrated model, each block with its own tile's gains and stuck devices: the
        // gradients agree exactly, whatever the chip measured (the model's rails only block where it saturates).
        Assert.Equal(modelledInputGradient.Data, measuredInputGradient.Data);
        Assert.Equal(modelled.Shadow.Weight.Gradient, measured.Shadow.Weight.Gradient);
    }

    [Fact]
    public void TheCalibratedModelPredictsTheTwinsOwnEmulatorFromItsMeasuredArrays()
    {
        // The twin as an emulator: every random effect off, so what remains is its design and its measured pattern.
        var measured = Measured();
        var fractions = measured.OffsetMac!.Select(row => row.Select(o => o / (float)Preset.Adc.RangeMac).ToArray()).ToArray();
        var twin = Preset with
        {
            ColumnMismatch = new() { MeasuredGain = measured.Gain, MeasuredOffset = fractions },
            MeasuredStuck = measured.Stuck,
        };
        using var chip = new EmulatedChip(twin, 1);
        var model = DigitalTwin.MeasuredOf(twin);
        AnalogLinear Programmed(ForwardPath path)
        {
            var linear = new Linear("fc", 16, 8, SeededRandom.For(4, "init"));
            Weights(16 * 8, 5).CopyTo(linear.Weight.Value, 0);
            var layer = new AnalogLinear(linear, new TileAllocation(chip.Info).Allocate("fc", 16, 8), chip.Info, 1f)
            {
                Physics = new CrossbarPhysics(twin, model),
            };
            layer.Program(chip, WriteVerifyOptions.SinglePulse);
            layer.Path = path;
            return layer;
        }

        var onChip = Programmed(ForwardPath.Chip);
        var modelled = Programmed(ForwardPath.PhysicalModel);
        var x = new Grid<float>(6, 16);
        SeededRandom.For(10, "x").FillUniform(x.Data, -1f, 1f);

        var measuredOutput = onChip.Forward(x, training: false);
        var modelledOutput = modelled.Forward(x, training: false);

        // Four full 8×4 tiles, so the model's network is the chip's; they may differ by the rounding of one ADC code.
        Assert.Equal(Tiles, onChip.Blocks.Count);
        var lsb = chip.Info.MacFullScale / (chip.Info.AdcCodeMax + 1.0);
        for (var s = 0; s < x.Rows; s++)
        {
            for (var j = 0; j < 8; j++)
            {
                var tolerance = 1.01 * lsb * onChip.ColumnScale[j];
                Assert.True(Math.Abs(measuredOutput[s, j] - modelledOutput[s, j]) <= tolerance, $"sample {s}, output {j}: chip {measuredOutput[s, j]}, model {modelledOutput[s, j]}");
            }
        }

        // Without the pattern the model misses the chip by far more than a code.
        var design = Programmed(ForwardPath.PhysicalModel);
        design.Physics = new CrossbarPhysics(twin);
        var designOutput = design.Forward(x, training: false);
        var codesOff = Enumerable.Range(0, measuredOutput.Data.Length).Max(k => Math.Abs(measuredOutput.Data[k] - designOutput.Data[k]) / (lsb * onChip.ColumnScale[k % 8]));
        Assert.True(codesOff > 3, $"the design alone is off by {codesOff} codes at most");
    }

    [Fact]
    public void ATwinsMeasuredArraysBecomeItsCalibratedModel()
    {
        var gain = new float[4][];
        var offset = new float[4][];
        for (var t = 0; t < 4; t++)
        {
            gain[t] = [.. Enumerable.Range(0, 16).Select(c => 1f + (0.01f * ((t * 16) + c)))];
            offset[t] = [.. Enumerable.Range(0, 16).Select(c => 0.001f * (c - t))];
        }

        var stuck = new sbyte[4 * 2 * 16 * 16];
        stuck[(((((2 * 2) + 1) * 16) + 3) * 16) + 7] = 2;
        var path = WriteTwin();
        var (gainFile, offsetFile, stuckFile) = TwinFiles.WriteArrays(path, gain, offset, stuck, arrays: 2);
        File.AppendAllText(path, $"""

              column_mismatch:
                gain_file: {gainFile}
                offset_file: {offsetFile}
              stuck_map_file: {stuckFile}

            """);
        using var chip = SmallChips.Chip();

        var twin = DigitalTwin.Open(path, chip.Info);

        var pattern = Assert.IsType<MeasuredPattern>(twin.Measured);
        Assert.Equal(gain, pattern.Gain);
        Assert.Equal(0.001 * (5 - 1) * 8, pattern.OffsetOf(1, 5), 6);
        Assert.Equal(StuckState.StuckOn, pattern.StuckAt(2, 1, 3, 7));
        Assert.Equal(1, pattern.Stuck!.Count(code => code != 0));
        Assert.Same(twin.Physics.Measured, pattern);
    }

    private static TrainingOptions Options(TrainingMode mode, int epochs = 4) => new()
    {
        Mode = mode,
        Layers = SmallChips.Layers,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 2e-2f,
        Seed = 7,
        Reprogram = "every:5",
    };

    /// <summary>A twin of <see cref="SmallChips"/>'s chip (of <paramref name="rows"/> rows) as a rig file in a fresh
    /// folder; <paramref name="chipTail"/> adds keys to its chip section, indented by two spaces.</summary>
    private static string WriteTwin(int rows = 16, string chipTail = "") => WriteRig($"""
        kind: emulator
        description: twin of small-pcm
        chip:
          name: small-pcm-twin
          rows: {rows}
          cols: 16
          tiles: 4
          adc:
            bits: 8
            range_mac: 8
          pcm:
            drift: false
        {chipTail}
        """);

    private static string WriteRig(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aimc-twin-").FullName, "twin.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void CalibratedWithoutATwinIsRefused()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil) with { BackwardModel = "calibrated" }, train, test, chip));

        Assert.Equal("--backward-model calibrated needs --twin TWIN.yaml, the digital twin `aimc calibrate` wrote", e.Message);
    }

    [Fact]
    public void ATwinOfAnotherGeometryIsRefusedNamingBoth()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var path = WriteTwin(rows: 8);

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil) with { BackwardModel = "calibrated", TwinPath = path }, train, test, chip));

        Assert.Equal($"--twin {path}: the twin small-pcm-twin is 8×16, 4 tiles, current domain but the chip small-pcm is 16×16, 4 tiles, current domain; give the twin calibrated on this chip", e.Message);
    }

    [Fact]
    public void ASerialRigIsNoTwin()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var path = WriteRig("kind: serial\nport: /tmp/aimc-virtual-rig\n");

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Physical) with { TwinPath = path }, train, test, chip));

        Assert.Equal($"--twin {path}: a digital twin is an emulator rig file, but this one is kind serial; give the twin.yaml that `aimc calibrate` wrote", e.Message);
    }

    [Fact]
    public void AMissingTwinFileIsNamed()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var path = Path.Combine(Directory.CreateTempSubdirectory("aimc-twin-").FullName, "absent.yaml");

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Physical) with { TwinPath = path }, train, test, chip));

        Assert.Equal($"--twin {path}: no such file; give the twin.yaml that `aimc calibrate` wrote", e.Message);
    }

    [Fact]
    public void ATwinTheRunWouldNotUseIsRefused()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();

        var e = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Hil) with { TwinPath = WriteTwin() }, train, test, chip));

        Assert.Equal("--twin is the model of --mode physical and of --mode hil --backward-model calibrated; this run (mode hil, backward model ideal) would not use it", e.Message);
    }

    [Fact]
    public void HilWithTheCalibratedBackwardModelLearnsAndNamesItsTwin()
    {
        var (train, test) = SmallChips.Data();
        using var chip = SmallChips.Chip();
        var twin = WriteTwin();
        var metrics = new List<EpochMetrics>();

        var summary = new Trainer(Options(TrainingMode.Hil) with { BackwardModel = "calibrated", TwinPath = twin }, train, test, chip).Run(null, false, false, null, metrics.Add, CancellationToken.None);

        Assert.True(metrics[^1].TrainLoss < 0.6 * metrics[0].TrainLoss, $"loss {metrics[0].TrainLoss} → {metrics[^1].TrainLoss}");
        Assert.True(summary.ChipTestAccuracy > 0.5);
        Assert.Equal(twin, summary.Twin);
    }

    [Fact]
    public void PhysicalModeWithATwinTrainsOnAChipThatHidesItsDesign()
    {
        var (train, test) = SmallChips.Data();
        using var chip = new HiddenDesignChip(SmallChips.Chip());
        var metrics = new List<EpochMetrics>();

        var withoutTwin = Assert.Throws<AimcException>(() => new Trainer(Options(TrainingMode.Physical), train, test, chip).Run(null, false, false, null, null, CancellationToken.None));
        var summary = new Trainer(Options(TrainingMode.Physical) with { TwinPath = WriteTwin() }, train, test, chip).Run(null, false, false, null, metrics.Add, CancellationToken.None);

        Assert.Equal("mode physical differentiates the design of an emulated chip: use an emulator rig, or give --twin TWIN.yaml (the digital twin `aimc calibrate` wrote)", withoutTwin.Message);
        Assert.True(metrics[^1].TrainLoss < 0.6 * metrics[0].TrainLoss, $"loss {metrics[0].TrainLoss} → {metrics[^1].TrainLoss}");
        Assert.True(summary.ChipTestAccuracy > 0.5);
    }
}
