// One piece: one layer on the chip. Its programming (whole or moved weights), its four forward paths (software, chip,
// noisy model, physical model) and their backward passes all read and write the same per-layer state: the tile blocks,
// the column scales, the input range, the quantized inputs the chip saw and the weights the forward used; split apart
// they would pass that state between them on every call.
using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Numerics;
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

    // Working memory kept from step to step: a hil step reprograms and measures every block, and fresh targets, masks
    // and codes per block cost more than the host work they carry (a tile's grid is a large-object allocation).
    private readonly float[] _normalized;
    private readonly Grid<float>[] _blockTargets;
    private readonly Grid<bool>[] _blockMoved;
    private readonly List<Grid<int>?> _parts = [];
    private readonly Grid<int>?[] _blockCodes;
    private bool[]? _moved;
    private float[]? _noisy;
    private Grid<int>? _codes;
    private Grid<float>? _quantized;
    private double[]? _macInput;
    private double[]? _macWeight;
    private double[]? _mac;

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
        _normalized = new float[shadow.Weight.Length];
        _blockTargets = blocks.Select(b => new Grid<float>(b.Rows, b.Cols)).ToArray();
        _blockMoved = blocks.Select(b => new Grid<bool>(b.Rows, b.Cols)).ToArray();
        _blockCodes = new Grid<int>?[blocks.Count];
        UpdateScale();
    }

    public Linear Shadow { get; }

    public string Name => Shadow.Name;

    public string Kind => "Linear";

    /// <summary>Input vectors per MVM request: a convolution's batch of patches (an evaluation batch of 256 images × 576
    /// positions is 147456) can exceed what a rig takes at once (65536 vectors and 64 MiB objects over the firmware
    /// protocol, PROTOCOL.md §5.1), so larger batches go as several requests, each converted with its own answer's
    /// scale.</summary>
    public const int MaxVectorsPerMvm = 16384;

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
        Normalize(w.Value, _normalized);
        var programs = new List<TileProgramming>(Blocks.Count);
        for (var b = 0; b < Blocks.Count; b++)
        {
            var targets = _blockTargets[b];
            CrossbarLayout.ToBlock<float>(_normalized, Shadow.Inputs, Blocks[b], targets.Data);
            programs.Add(new TileProgramming(Blocks[b].Tile, targets, options));
        }

        pulses += ProgramBlocks(chip, programs);
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
        var moved = _moved ??= new bool[w.Length];
        if (!MarkMoved(w.Value, delta, moved))
        {
            return 0;
        }

        Normalize(w.Value, _normalized);
        var programs = new List<TileProgramming>(Blocks.Count);
        for (var b = 0; b < Blocks.Count; b++)
        {
            var block = Blocks[b];
            var mask = _blockMoved[b];
            CrossbarLayout.ToBlock<bool>(moved, Shadow.Inputs, block, mask.Data);
            if (Array.IndexOf(mask.Data, true) < 0)
            {
                continue;
            }

            var targets = _blockTargets[b];
            CrossbarLayout.ToBlock<float>(_normalized, Shadow.Inputs, block, targets.Data);
            programs.Add(new TileProgramming(block.Tile, targets, options, mask));
        }

        return pulses + ProgramBlocks(chip, programs);
    }

    public ImageShape Bind(ImageShape input) => Shadow.Bind(input);

    /// <summary>Programs the blocks (in one call, which a rig behind a serial line pipelines) and returns the pulses
    /// spent; a chip that can count pulses alone is asked for the count, sparing the per-weight report (four
    /// tile-sized grids) that nothing here reads.</summary>
    private static long ProgramBlocks(IAimcChip chip, List<TileProgramming> programs) =>
        chip is IPulseCountingChip counting
            ? programs.Sum(p => counting.ProgramPulses(p.Tile, p.Targets, p.Options, p.Only))
            : programs.Count == 0 ? 0 : chip.Program(programs).Sum(r => r.TotalPulses);

    /// <summary>clamp(W_ji / s_j, −1, 1) for every weight, in the shadow's layout (outputs × inputs).</summary>
    private void Normalize(ReadOnlySpan<float> weight, Span<float> normalized)
    {
        var inputs = Shadow.Inputs;
        for (var j = 0; j < Shadow.Outputs; j++)
        {
            var row = normalized.Slice(j * inputs, inputs);
            TensorPrimitives.Divide(weight.Slice(j * inputs, inputs), ColumnScale[j], row);
            TensorPrimitives.Max(row, -1f, row);
            TensorPrimitives.Min(row, 1f, row);
        }
    }

    /// <summary>Flags the weights whose normalized move since they were last programmed, |W − W_programmed| / s_j,
    /// exceeds <paramref name="delta"/>, records them as programmed now, and says whether any did.</summary>
    private bool MarkMoved(ReadOnlySpan<float> weight, double delta, bool[] moved)
    {
        // The float move exceeds the double delta exactly when it exceeds the largest float not above delta.
        var threshold = (float)delta;
        if (threshold > delta)
        {
            threshold = MathF.BitDecrement(threshold);
        }

        var inputs = Shadow.Inputs;
        var move = _normalized.AsSpan(0, inputs);
        var any = false;
        for (var j = 0; j < Shadow.Outputs; j++)
        {
            var start = j * inputs;
            TensorPrimitives.Subtract(weight.Slice(start, inputs), ProgrammedWeight.AsSpan(start, inputs), move);
            TensorPrimitives.Abs(move, move);
            TensorPrimitives.Divide(move, ColumnScale[j], move);
            for (var i = 0; i < inputs; i++)
            {
                var k = start + i;
                moved[k] = move[i] > threshold;
                if (moved[k])
                {
                    ProgrammedWeight[k] = weight[k];
                    any = true;
                }
            }
        }

        return any;
    }

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

        var (input, gradient) = BackwardOperands(outputGradient);

        // A batch's products with one layer are small enough that a second BLAS thread costs more than it saves.
        var w = Shadow.Weight;
        using var serial = Blas.OnCallingThread();
        return Linear.Backward(input, gradient, _forwardWeight ?? w.Value, w.Gradient, Shadow.Bias.Gradient);
    }

    /// <summary>The parameter gradients of <see cref="Backward"/> without gy·W; the physical backward, which
    /// differentiates through the network, runs in full.</summary>
    public void BackwardToParameters(Grid<float> outputGradient)
    {
        if (Path == ForwardPath.PhysicalModel || (Path == ForwardPath.Chip && PhysicalBackward))
        {
            BackwardThroughPhysics(outputGradient);
            return;
        }

        var (input, gradient) = BackwardOperands(outputGradient);
        using var serial = Blas.OnCallingThread();
        Linear.AccumulateWeightGradient(input, gradient, Shadow.Weight.Gradient);
        Linear.AccumulateBiasGradient(gradient, Shadow.Bias.Gradient);
    }

    /// <summary>The forward input as the layer used it and the output gradient with the rails' blocked entries zeroed.</summary>
    private (Grid<float> Input, Grid<float> Gradient) BackwardOperands(Grid<float> outputGradient)
    {
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

        return (input, gradient);
    }

    /// <summary>Input DAC codes and the values they stand for.</summary>
    /// <remarks>Into the layer's own buffers, kept until the next forward pass (the backward pass reads the values).</remarks>
    private (Grid<int> Codes, Grid<float> Quantized) Quantize(Grid<float> input)
    {
        var max = ChipInfo.InputCodeMax;
        var codes = _codes = Sized(_codes, input.Rows, input.Cols);
        var quantized = _quantized = Sized(_quantized, input.Rows, input.Cols);
        DacCodes.Quantize(input.Data, max / InputRange, InputRange / max, max, codes.Data, quantized.Data);
        return (codes, quantized);
    }

    /// <summary><paramref name="grid"/> when it has the shape, else a new grid of it.</summary>
    private static Grid<T> Sized<T>(Grid<T>? grid, int rows, int cols) =>
        grid is not null && grid.Rows == rows && grid.Cols == cols ? grid : new Grid<T>(rows, cols);

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

        // Every block's MVMs in one call: a rig behind a serial line keeps them in flight together.
        var mvms = new List<TileMvm>();
        var placed = new List<(TileBlock Block, int FirstRow)>();
        for (var b = 0; b < Blocks.Count; b++)
        {
            var block = Blocks[b];
            var blockCodes = BlockCodes(b, codes);
            for (var start = 0; start < input.Rows; start += MaxVectorsPerMvm)
            {
                var count = Math.Min(MaxVectorsPerMvm, input.Rows - start);
                var part = count == input.Rows ? blockCodes : Part(blockCodes, start, count, mvms.Count);
                // The block fills the tile's first columns: the chip converts only those (a conv kernel's 8 of 256).
                mvms.Add(new TileMvm(block.Tile, part, new ColumnRange(0, block.Cols)));
                placed.Add((block, start));
            }
        }

        var results = chip.Mvm(mvms);
        for (var k = 0; k < results.Count; k++)
        {
            AddMeasured(results[k], placed[k].Block, output, placed[k].FirstRow);
        }

        return output;
    }

    /// <summary>Rows [<paramref name="start"/>, start + <paramref name="count"/>) of <paramref name="codes"/> in the
    /// layer's buffer for the <paramref name="index"/>-th MVM of a forward pass, which the chip has answered before the
    /// next pass overwrites it.</summary>
    private Grid<int> Part(Grid<int> codes, int start, int count, int index)
    {
        while (_parts.Count <= index)
        {
            _parts.Add(null);
        }

        var part = _parts[index] = Sized(_parts[index], count, codes.Cols);
        codes.Data.AsSpan(start * codes.Cols, count * codes.Cols).CopyTo(part.Data);
        return part;
    }

    /// <summary>Adds one MVM answer, in the layer's units, to the output rows from <paramref name="firstRow"/> on.</summary>
    private void AddMeasured(MvmResult result, TileBlock block, Grid<float> output, int firstRow)
    {
        var macOffset = result.MacOffset;
        var macPerCode = result.MacPerCode;
        var scale = ColumnScale.AsSpan(block.ColStart, block.Cols);
        for (var s = 0; s < result.Codes.Rows; s++)
        {
            var row = output.Row(firstRow + s).Slice(block.ColStart, block.Cols);
            var measured = result.Codes.Row(s);
            for (var j = 0; j < row.Length; j++)
            {
                // As MvmResult.ToMac, then into the layer's units: (o_j + code·m_j)·a·s_j in double.
                row[j] += (float)((macOffset[j] + (measured[j] * macPerCode[j])) * InputRange * scale[j]);
            }
        }
    }

    /// <summary>The codes of block <paramref name="b"/>'s rows: all of them when the block spans the layer's inputs,
    /// else copied into the block's own buffer.</summary>
    private Grid<int> BlockCodes(int b, Grid<int> codes)
    {
        var block = Blocks[b];
        if (block.RowStart == 0 && block.Rows == codes.Cols)
        {
            return codes;
        }

        var blockCodes = _blockCodes[b] = Sized(_blockCodes[b], codes.Rows, block.Rows);
        for (var s = 0; s < codes.Rows; s++)
        {
            codes.Row(s).Slice(block.RowStart, block.Rows).CopyTo(blockCodes.Row(s));
        }

        return blockCodes;
    }

    /// <summary>Training forward of the noisy model: weights as one programming would leave them, quantized inputs,
    /// and per-tile ADC quantization whose rails block the gradient.</summary>
    private Grid<float> NoisyForward(Grid<float> input)
    {
        var sampler = Noise ?? throw new InvalidOperationException($"{Name}: the noisy model needs a device model");
        var w = Shadow.Weight;
        Normalize(w.Value, _normalized);

        // A buffer of its own per step: the backward pass differentiates at this draw.
        var noisy = _noisy ??= new float[w.Length];
        sampler.Sample(_normalized, noisy);
        for (var j = 0; j < w.Rows; j++)
        {
            var row = noisy.AsSpan(j * w.Cols, w.Cols);
            TensorPrimitives.Multiply(row, ColumnScale[j], row);
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
        var batch = input.Rows;
        foreach (var block in Blocks)
        {
            var macs = BlockMacs(quantized, weight, block);
            for (var s = 0; s < batch; s++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    var mac = macs[(s * block.Cols) + j];

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

    /// <summary>Σᵢ x_si·W_ji over the block's rows for every sample s and block column j (batch × block.Cols), one
    /// double-precision product: every float product and sum is exact or rounded at 2⁻⁵³, so the MACs differ from a
    /// sample-by-sample double loop only in the order of the sums.</summary>
    private ReadOnlySpan<double> BlockMacs(Grid<float> quantized, float[] weight, TileBlock block)
    {
        var batch = quantized.Rows;
        var x = Doubles(ref _macInput, batch * block.Rows);
        for (var s = 0; s < batch; s++)
        {
            var row = quantized.Row(s).Slice(block.RowStart, block.Rows);
            for (var i = 0; i < row.Length; i++)
            {
                x[(s * block.Rows) + i] = row[i];
            }
        }

        var w = Doubles(ref _macWeight, block.Cols * block.Rows);
        for (var j = 0; j < block.Cols; j++)
        {
            var row = weight.AsSpan(Index(block.RowStart, block.ColStart + j), block.Rows);
            for (var i = 0; i < row.Length; i++)
            {
                w[(j * block.Rows) + i] = row[i];
            }
        }

        var macs = Doubles(ref _mac, batch * block.Cols);
        using var serial = Blas.OnCallingThread();
        Blas.Gemm(false, true, batch, block.Cols, block.Rows, 1.0, x, w, 0.0, macs);
        return macs;
    }

    private static Span<double> Doubles(ref double[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new double[length];
        }

        return buffer.AsSpan(0, length);
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
