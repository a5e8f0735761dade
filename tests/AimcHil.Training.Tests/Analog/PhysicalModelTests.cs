using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Analog;

/// <summary>Physical modeling: every block's vector-Jacobian product against central finite differences.</summary>
public class PhysicalModelTests
{
    /// <summary>RRAM without level rounding (so the model is smooth), an I–V curve (a2 = 0.25 /V, a3 = 2.5 /V²: 5 % and
    /// 10 % above Ohm's law at the 0.2 V read voltage), and wires of 1 Ω per cell.</summary>
    private static ChipPreset Preset => new()
    {
        Name = "physical-test",
        Device = DeviceTechnology.Rram,
        Rows = 8,
        Cols = 6,
        Tiles = 4,
        Rram = new RramConfig().Ideal() with { IvNonLinearity = true, IvA2PerVolt = 0.25, IvA3PerVoltSquared = 2.5 },
        Wires = new WireConfig { WordSegmentOhm = 1, BitSegmentOhm = 1 },
    };

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

    [Fact]
    public void EffectiveWeightGradientMatchesFiniteDifferences()
    {
        var physics = new CrossbarPhysics(Preset);
        var w = Weights(8 * 6, 1);
        var upstream = Weights(8 * 6, 2);
        double Loss(float[] weights) => physics.EffectiveWeights(weights, 8, 6).Zip(upstream, (e, u) => (double)e * u).Sum();

        var analytic = physics.EffectiveWeightsVjp(w, 8, 6, upstream);

        for (var k = 0; k < w.Length; k++)
        {
            var step = 1e-3f;
            var plus = (float[])w.Clone();
            var minus = (float[])w.Clone();
            plus[k] += step;
            minus[k] -= step;
            var numeric = (Loss(plus) - Loss(minus)) / (2 * step);
            Assert.True(Math.Abs(numeric - analytic[k]) <= 2e-3 * (Math.Abs(numeric) + 1e-2), $"weight {k}: numeric {numeric}, analytic {analytic[k]}");
        }
    }

    [Fact]
    public void WithoutWiresTheEffectiveWeightsAreTheWeights()
    {
        var physics = new CrossbarPhysics(Preset with { Wires = new WireConfig() });
        var w = Weights(8 * 6, 3);

        var effective = physics.EffectiveWeights(w, 8, 6);

        for (var k = 0; k < w.Length; k++)
        {
            Assert.Equal(w[k], effective[k], 5);
        }
    }

    [Fact]
    public void LayerGradientsThroughThePhysicalModelMatchFiniteDifferences()
    {
        using var chip = new EmulatedChip(Preset, 1);
        var linear = new Linear("fc", 12, 5, SeededRandom.For(4, "init"));
        Weights(12 * 5, 5).CopyTo(linear.Weight.Value, 0);
        var layer = new AnalogLinear(linear, new TileAllocation(chip.Info).Allocate("fc", 12, 5), chip.Info, 1.5f)
        {
            Physics = new CrossbarPhysics(Preset),
            Path = ForwardPath.PhysicalModel,
            QuantizeInModel = false,
        };
        layer.UpdateScale();

        // Head-room above each column's largest weight keeps finite differences off the device range's edge.
        for (var j = 0; j < layer.ColumnScale.Length; j++)
        {
            layer.ColumnScale[j] *= 1.2f;
        }

        var x = new Grid<float>(3, 12);
        SeededRandom.For(6, "x").FillUniform(x.Data, -1.4f, 1.4f);
        var upstream = new Grid<float>(3, 5);
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

            // The layer computes in single precision: differences of sums of outputs carry ~1e-4 of rounding.
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
    }

    [Fact]
    public void HilWithThePhysicalBackwardModelUsesItsJacobianAtTheMeasuredInputs()
    {
        using var chip = new EmulatedChip(Preset, 1);
        AnalogLinear Layer(ForwardPath path)
        {
            var linear = new Linear("fc", 12, 5, SeededRandom.For(4, "init"));
            Weights(12 * 5, 5).CopyTo(linear.Weight.Value, 0);
            var layer = new AnalogLinear(linear, new TileAllocation(chip.Info).Allocate("fc", 12, 5), chip.Info, 1.5f)
            {
                Physics = new CrossbarPhysics(Preset),
                PhysicalBackward = true,
            };
            layer.Program(chip, WriteVerifyOptions.SinglePulse);
            layer.Path = path;
            return layer;
        }

        var measured = Layer(ForwardPath.Chip);
        var modelled = Layer(ForwardPath.PhysicalModel);
        var x = new Grid<float>(3, 12);
        SeededRandom.For(6, "x").FillUniform(x.Data, -0.3f, 0.3f);
        var upstream = new Grid<float>(3, 5);
        SeededRandom.For(7, "g").FillUniform(upstream.Data, -1f, 1f);

        measured.Forward(x, training: true);
        modelled.Forward(x, training: true);
        var measuredInputGradient = measured.Backward(upstream);
        var modelledInputGradient = modelled.Backward(upstream);

        // Same quantized inputs, same model: the gradients agree exactly, whatever the chip measured.
        Assert.Equal(modelledInputGradient.Data, measuredInputGradient.Data);
        Assert.Equal(modelled.Shadow.Weight.Gradient, measured.Shadow.Weight.Gradient);
    }
}
