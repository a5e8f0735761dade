using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>A fully connected layer mapped onto chip tiles. The host keeps full-precision shadow weights (the wrapped
/// <see cref="Linear"/>); the forward pass runs in software, on the chip, or through a noisy or physical model of it,
/// and the backward pass is a model's vector-Jacobian product at the inputs the chip actually saw (DAC-quantized):
/// the ideal one, gW = x_qᵀ·g_y and g_x = g_y·Wᵀ, or the physical model's (hardware-in-the-loop / physics-aware
/// training).</summary>
public sealed class AnalogLinear : IAnalogLayer
{
    private Grid<float>? _quantizedInput;
    private float[]? _forwardWeight;
    private bool[]? _passGradient;

    public AnalogLinear(Linear shadow, IReadOnlyList<TileBlock> blocks, ChipInfo chip, float inputRange)
    {
        if (!(inputRange > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(inputRange), inputRange, "the input range must be positive");
        }

        Shadow = shadow;
        Blocks = blocks;
        ChipInfo = chip;
        InputRange = inputRange;
        ColumnScale = new float[shadow.Outputs];
        ProgrammedWeight = new float[shadow.Weight.Length];
        UpdateScale();
    }

    public Linear Shadow { get; }

    public string Name => Shadow.Name;

    public string Kind => "Linear";

    /// <summary>The layer itself: a Linear's matrix is what the tiles hold.</summary>
    public AnalogLinear Crossbar => this;

    /// <summary>One MVM per tile the matrix spans.</summary>
    public int MvmsPerSample => Blocks.Count;

    public IReadOnlyList<TileBlock> Blocks { get; }

    public ChipInfo ChipInfo { get; }

    /// <summary>The input value that maps to the DAC's full-scale code (inputs beyond it clip).</summary>
    public float InputRange { get; set; }

    /// <summary>Per-output scale s_j: weight W_ij is programmed as W_ij / s_j, and MACs come back multiplied by it.</summary>
    public float[] ColumnScale { get; }

    /// <summary>The shadow weights as they were when last programmed (for delta reprogramming).</summary>
    public float[] ProgrammedWeight { get; }

    public ForwardPath Path { get; set; } = ForwardPath.Software;

    /// <summary>The chip the layer is programmed on, for <see cref="ForwardPath.Chip"/>.</summary>
    public IAimcChip? Chip { get; set; }

    /// <summary>The device model, for <see cref="ForwardPath.NoisyModel"/>.</summary>
    public ProgrammingNoiseSampler? Noise { get; set; }

    /// <summary>The chip's physics (its design, or a calibrated twin with its measured pattern), for
    /// <see cref="ForwardPath.PhysicalModel"/> and <see cref="PhysicalBackward"/>.</summary>
    public CrossbarPhysics? Physics { get; set; }

    /// <summary>For <see cref="ForwardPath.Chip"/>: differentiate the measured forward through the physical model
    /// (its Jacobian at the measured inputs) instead of the ideal y = x·W.</summary>
    public bool PhysicalBackward { get; set; }

    /// <summary>Whether the physical model rounds to DAC and ADC codes (off only to check gradients numerically).</summary>
    internal bool QuantizeInModel { get; set; } = true;

    public IReadOnlyList<Parameter> Parameters => Shadow.Parameters;

    /// <summary>MAC value of one output code of a tile, as the noisy model quantizes.</summary>
    private double OutputLsbMac => ChipInfo.MacFullScale / (ChipInfo.AdcCodeMax + 1.0);

    /// <summary>Position of the weight joining input (crossbar row) <paramref name="input"/> to output (column)
    /// <paramref name="output"/> in the shadow weights, which are outputs × inputs as PyTorch lays them out.</summary>
    private int Index(int input, int output) => (output * Shadow.Inputs) + input;

    /// <summary>Sets s_j = max_i |W_ij|, so the largest weight of each column uses the device's full range.</summary>
    public void UpdateScale()
    {
        var w = Shadow.Weight;
        for (var j = 0; j < w.Rows; j++)
        {
            ColumnScale[j] = Math.Max(1e-12f, Math.Abs(TensorPrimitives.MaxMagnitude(w.Value.AsSpan(j * w.Cols, w.Cols))));
        }
    }

    /// <summary>Programs every tile block with the current shadow weights; returns the pulses spent.</summary>
    public long Program(IAimcChip chip, WriteVerifyOptions options)
    {
        UpdateScale();
        long pulses = 0;
        var w = Shadow.Weight;
        foreach (var block in Blocks)
        {
            var targets = new Grid<float>(block.Rows, block.Cols);
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    targets[i, j] = Math.Clamp(w.Value[Index(block.RowStart + i, col)] / ColumnScale[col], -1f, 1f);
                }
            }

            pulses += chip.Program(block.Tile, targets, options).TotalPulses;
        }

        Chip = chip;
        w.Value.CopyTo(ProgrammedWeight, 0);
        return pulses;
    }

    /// <summary>Rewrites only the weights whose normalized value moved more than <paramref name="delta"/> since they were
    /// last programmed (the column scales stay, so untouched devices keep meaning what they meant); returns the pulses.</summary>
    public long ReprogramMoved(IAimcChip chip, double delta, WriteVerifyOptions options)
    {
        long pulses = 0;
        var w = Shadow.Weight;
        foreach (var block in Blocks)
        {
            var targets = new Grid<float>(block.Rows, block.Cols);
            var moved = new Grid<bool>(block.Rows, block.Cols);
            var any = false;
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    var k = Index(block.RowStart + i, col);
                    targets[i, j] = Math.Clamp(w.Value[k] / ColumnScale[col], -1f, 1f);
                    if (Math.Abs(w.Value[k] - ProgrammedWeight[k]) / ColumnScale[col] > delta)
                    {
                        moved[i, j] = true;
                        ProgrammedWeight[k] = w.Value[k];
                        any = true;
                    }
                }
            }

            if (any)
            {
                pulses += chip.Program(block.Tile, targets, options, moved).TotalPulses;
            }
        }

        return pulses;
    }

    public ImageShape Bind(ImageShape input) => Shadow.Bind(input);

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        switch (Path)
        {
            case ForwardPath.Software:
                _quantizedInput = input;
                _forwardWeight = null;
                _passGradient = null;
                return Shadow.Forward(input, training);
            case ForwardPath.Chip:
                return ChipForward(input);
            case ForwardPath.PhysicalModel:
                return PhysicalForward(input);
            default:
                return training ? NoisyForward(input) : ChipModelForward(input, Shadow.Weight.Value);
        }
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        if (Path == ForwardPath.PhysicalModel || (Path == ForwardPath.Chip && PhysicalBackward))
        {
            return BackwardThroughPhysics(outputGradient);
        }

        var input = _quantizedInput ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        var gradient = outputGradient;
        if (_passGradient is { } pass)
        {
            gradient = outputGradient.Clone();
            for (var k = 0; k < pass.Length; k++)
            {
                gradient.Data[k] = pass[k] ? gradient.Data[k] : 0f;
            }
        }

        var w = Shadow.Weight;
        return Linear.Backward(input, gradient, _forwardWeight ?? w.Value, w.Gradient, Shadow.Bias.Gradient);
    }

    /// <summary>Input DAC codes and the values they stand for.</summary>
    private (Grid<int> Codes, Grid<float> Quantized) Quantize(Grid<float> input)
    {
        var max = ChipInfo.InputCodeMax;
        var codes = new Grid<int>(input.Rows, input.Cols);
        var quantized = new Grid<float>(input.Rows, input.Cols);
        var toCode = max / InputRange;
        var toValue = InputRange / max;
        for (var k = 0; k < input.Data.Length; k++)
        {
            var code = (int)Math.Clamp(MathF.Round(input.Data[k] * toCode, MidpointRounding.AwayFromZero), -max, max);
            codes.Data[k] = code;
            quantized.Data[k] = code * toValue;
        }

        return (codes, quantized);
    }

    private Grid<float> ChipForward(Grid<float> input)
    {
        var chip = Chip ?? throw new InvalidOperationException($"{Name}: the layer is not programmed on a chip");
        var (codes, quantized) = Quantize(input);
        _quantizedInput = quantized;
        _forwardWeight = null;
        _passGradient = null;
        var output = BiasRows(input.Rows);
        if (PhysicalBackward)
        {
            PreparePhysicalJacobian(quantized);
        }

        foreach (var block in Blocks)
        {
            var blockCodes = new Grid<int>(input.Rows, block.Rows);
            for (var s = 0; s < input.Rows; s++)
            {
                codes.Row(s).Slice(block.RowStart, block.Rows).CopyTo(blockCodes.Row(s));
            }

            var result = chip.Mvm(block.Tile, blockCodes);
            for (var s = 0; s < input.Rows; s++)
            {
                var row = output.Row(s);
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    row[col] += (float)(result.ToMac(s, j) * InputRange * ColumnScale[col]);
                }
            }
        }

        return output;
    }

    /// <summary>Training forward of the noisy model: weights as one programming would leave them, quantized inputs,
    /// and per-tile ADC quantization whose rails block the gradient.</summary>
    private Grid<float> NoisyForward(Grid<float> input)
    {
        var sampler = Noise ?? throw new InvalidOperationException($"{Name}: the noisy model needs a device model");
        var w = Shadow.Weight;
        var normalized = new float[w.Length];
        for (var k = 0; k < normalized.Length; k++)
        {
            normalized[k] = Math.Clamp(w.Value[k] / ColumnScale[k / w.Cols], -1f, 1f);
        }

        var noisy = new float[w.Length];
        sampler.Sample(normalized, noisy);
        for (var k = 0; k < noisy.Length; k++)
        {
            noisy[k] *= ColumnScale[k / w.Cols];
        }

        return ChipModelForward(input, noisy);
    }

    /// <summary>The chip as the host models it: DAC codes in, per-tile MAC rounded to the ADC's LSB and clipped at its
    /// rails, partial sums added digitally.</summary>
    private Grid<float> ChipModelForward(Grid<float> input, float[] weight)
    {
        var (_, quantized) = Quantize(input);
        _quantizedInput = quantized;
        _forwardWeight = weight;
        var output = BiasRows(input.Rows);
        var pass = new bool[output.Data.Length];
        Array.Fill(pass, true);
        var lsb = OutputLsbMac;
        var codeMin = (double)ChipInfo.AdcCodeMin;
        var codeMax = (double)ChipInfo.AdcCodeMax;
        var cols = Shadow.Outputs;
        foreach (var block in Blocks)
        {
            for (var s = 0; s < input.Rows; s++)
            {
                var x = quantized.Row(s);
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    double mac = 0;
                    for (var i = 0; i < block.Rows; i++)
                    {
                        mac += x[block.RowStart + i] * weight[Index(block.RowStart + i, col)];
                    }

                    // The chip sees x / a and W / s: its MAC is in those normalized units.
                    var scale = InputRange * ColumnScale[col];
                    var code = Math.Round(mac / scale / lsb, MidpointRounding.AwayFromZero);
                    if (code < codeMin || code > codeMax)
                    {
                        pass[(s * cols) + col] = false;
                        code = Math.Clamp(code, codeMin, codeMax);
                    }

                    output[s, col] += (float)(code * lsb * scale);
                }
            }
        }

        _passGradient = pass;
        return output;
    }

    private float[][]? _effective;
    private float[][]? _normalizedWeights;
    private Grid<float>? _features;
    private Grid<float>? _normalizedInput;

    /// <summary>Normalized block weights W/s, clipped to the device range.</summary>
    private float[] NormalizedBlock(TileBlock block)
    {
        var w = Shadow.Weight;
        var normalized = new float[block.Rows * block.Cols];
        for (var i = 0; i < block.Rows; i++)
        {
            for (var j = 0; j < block.Cols; j++)
            {
                var col = block.ColStart + j;
                normalized[(i * block.Cols) + j] = Math.Clamp(w.Value[Index(block.RowStart + i, col)] / ColumnScale[col], -1f, 1f);
            }
        }

        return normalized;
    }

    /// <summary>What <see cref="BackwardThroughPhysics"/> needs, at the inputs the chip was measured at.</summary>
    private void PreparePhysicalJacobian(Grid<float> quantized)
    {
        var physics = Physics ?? throw new InvalidOperationException($"{Name}: the physical backward model needs the chip's physics");
        _normalizedInput = new Grid<float>(quantized.Rows, quantized.Cols);
        _features = new Grid<float>(quantized.Rows, quantized.Cols);
        for (var k = 0; k < quantized.Data.Length; k++)
        {
            _normalizedInput.Data[k] = quantized.Data[k] / InputRange;
            _features.Data[k] = (float)physics.Feature(_normalizedInput.Data[k]);
        }

        _effective = new float[Blocks.Count][];
        _normalizedWeights = new float[Blocks.Count][];
        for (var b = 0; b < Blocks.Count; b++)
        {
            _normalizedWeights[b] = NormalizedBlock(Blocks[b]);
            _effective[b] = physics.EffectiveWeights(_normalizedWeights[b], Blocks[b].Rows, Blocks[b].Cols, Blocks[b].Tile);
        }

        _passGradient = new bool[quantized.Rows * Shadow.Outputs];
        Array.Fill(_passGradient, true);
    }

    /// <summary>y_j = b_j + a·s_j·(o_j + Σᵢ φ(x_i / a)·W_eff,ij) per tile block, rounded to ADC codes (o_j the tile's
    /// measured column offset, 0 without a calibrated twin; W_eff carries its column gains and stuck devices).</summary>
    private Grid<float> PhysicalForward(Grid<float> input)
    {
        var physics = Physics ?? throw new InvalidOperationException($"{Name}: the physical model needs the chip's physics");
        var quantized = QuantizeInModel ? Quantize(input).Quantized : input;
        var normalizedInput = new Grid<float>(input.Rows, input.Cols);
        var features = new Grid<float>(input.Rows, input.Cols);
        for (var k = 0; k < input.Data.Length; k++)
        {
            normalizedInput.Data[k] = quantized.Data[k] / InputRange;
            features.Data[k] = (float)physics.Feature(normalizedInput.Data[k]);
        }

        var output = BiasRows(input.Rows);
        var pass = new bool[output.Data.Length];
        Array.Fill(pass, true);
        var lsb = OutputLsbMac;
        _effective = new float[Blocks.Count][];
        _normalizedWeights = new float[Blocks.Count][];
        for (var b = 0; b < Blocks.Count; b++)
        {
            var block = Blocks[b];
            _normalizedWeights[b] = NormalizedBlock(block);
            var effective = _effective[b] = physics.EffectiveWeights(_normalizedWeights[b], block.Rows, block.Cols, block.Tile);
            for (var s = 0; s < input.Rows; s++)
            {
                var x = features.Row(s).Slice(block.RowStart, block.Rows);
                for (var j = 0; j < block.Cols; j++)
                {
                    // A measured offset (calibrated twin) shifts the MAC before the ADC, as the chip's read-out does.
                    var mac = physics.OutputOffset(block.Tile, j);
                    for (var i = 0; i < block.Rows; i++)
                    {
                        mac += x[i] * effective[(i * block.Cols) + j];
                    }

                    var col = block.ColStart + j;
                    if (QuantizeInModel)
                    {
                        var code = Math.Round(mac / lsb);
                        if (code < ChipInfo.AdcCodeMin || code > ChipInfo.AdcCodeMax)
                        {
                            pass[(s * Shadow.Outputs) + col] = false;
                            code = Math.Clamp(code, ChipInfo.AdcCodeMin, ChipInfo.AdcCodeMax);
                        }

                        mac = code * lsb;
                    }

                    output[s, col] += (float)(mac * InputRange * ColumnScale[col]);
                }
            }
        }

        _passGradient = pass;
        _features = features;
        _normalizedInput = normalizedInput;
        return output;
    }

    /// <summary>The exact VJP of <see cref="PhysicalForward"/>, rounding passed straight through, rails blocking.</summary>
    private Grid<float> BackwardThroughPhysics(Grid<float> outputGradient)
    {
        var physics = Physics!;
        var features = _features ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        var normalizedInput = _normalizedInput!;
        var batch = outputGradient.Rows;
        var w = Shadow.Weight;
        var inputGradient = new Grid<float>(batch, Shadow.Inputs);
        for (var b = 0; b < Blocks.Count; b++)
        {
            var block = Blocks[b];
            var effective = _effective![b];
            var effectiveGradient = new float[block.Rows * block.Cols];
            for (var s = 0; s < batch; s++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    var k = (s * Shadow.Outputs) + col;
                    if (!_passGradient![k])
                    {
                        continue;
                    }

                    // dL/dmac = g·a·s_j.
                    var g = outputGradient.Data[k] * InputRange * ColumnScale[col];
                    for (var i = 0; i < block.Rows; i++)
                    {
                        var row = block.RowStart + i;
                        effectiveGradient[(i * block.Cols) + j] += g * features[s, row];

                        // dmac/dx = W_eff · φ'(x/a) / a.
                        inputGradient[s, row] += g * effective[(i * block.Cols) + j] * (float)(Slope(physics, normalizedInput[s, row]) / InputRange);
                    }
                }
            }

            var weightGradient = physics.EffectiveWeightsVjp(_normalizedWeights![b], block.Rows, block.Cols, effectiveGradient, block.Tile);
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    w.Gradient[Index(block.RowStart + i, col)] += weightGradient[(i * block.Cols) + j] / ColumnScale[col];
                }
            }
        }

        for (var s = 0; s < batch; s++)
        {
            for (var j = 0; j < Shadow.Outputs; j++)
            {
                Shadow.Bias.Gradient[j] += outputGradient[s, j];
            }
        }

        return inputGradient;
    }

    /// <summary>dφ/dv of the device I–V curve on a normalized input, φ(v) = v(1 + a₂V_read|v| + a₃V_read²v²) with a₂ in
    /// 1/V and a₃ in 1/V² (the word line at v carries v·V_read).</summary>
    private static double Slope(CrossbarPhysics physics, double v) => physics.FeatureSlope(v);

    private Grid<float> BiasRows(int batch)
    {
        var output = new Grid<float>(batch, Shadow.Outputs);
        for (var s = 0; s < batch; s++)
        {
            Shadow.Bias.Value.CopyTo(output.Row(s));
        }

        return output;
    }
}
