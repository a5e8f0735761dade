// One piece: the chip contract (IAimcChip) over TC1's register interface and its converters. Programming, read-back and
// MVM all go through the set-up the constructor builds once (the DAC input table, the ADC scale and buffer rails, the
// tile selection and status checks), and the helpers below are that set-up.

using System.Device.Gpio;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Rig.Direct;

/// <summary>A TC1 test chip driven directly by a Linux board (hil-rigs/direct-tc1.md): programming and read-back over
/// its SPI register interface, MVMs through the DACs on its word lines, START/DONE on GPIO and the ADCs on its column
/// outputs. Runs unchanged on the kernel's buses and on emulated ones; owns and disposes the buses.</summary>
public sealed class DirectChip : IAimcChip
{
    private readonly DirectRigConfig _config;
    private readonly IDirectBuses _buses;
    private readonly Tc1Registers _registers;
    private readonly GpioController _gpio;
    private readonly DirectChipDescription _description;
    private readonly Tc1Geometry _geometry;
    private readonly IChipClock _clock;
    private readonly IDac[] _dacs;
    private readonly int[] _dacRows;
    private readonly int[][] _dacCodeOfInput;
    private readonly IAdc[] _adcs;
    private readonly int[][] _adcChannels;
    private readonly double[] _macPerCode;
    private readonly double[] _macOffset;
    private readonly double[] _railCodeLow;
    private readonly double[] _railCodeHigh;
    private int _selectedTile = -1;
    private bool _disposed;

    public DirectChip(DirectRigConfig config, IDirectBuses buses, DirectChipDescription? description = null)
    {
        _config = config;
        _buses = buses;
        _description = description ?? new DirectChipDescription();
        try
        {
            if (config.DoneTimeoutMs < 1)
            {
                throw new AimcException($"direct.done_timeout_ms {config.DoneTimeoutMs}: must be at least 1 ms");
            }

            if (!(config.Inputs.HalfSpanVolts > 0) || !(config.Outputs.HalfSpanVolts > 0) || !(config.MacFullScale > 0))
            {
                throw new AimcException("direct: inputs.half_span_volts, outputs.half_span_volts and mac_full_scale must be positive");
            }

            _registers = new Tc1Registers(buses.Spi(config.RegisterSpi));
            _registers.CheckId();
            _geometry = _registers.ReadGeometry();
            if (_geometry.Rows < 1 || _geometry.Cols < 1 || _geometry.Tiles < 1 || _geometry.InputBits is < 2 or > 16)
            {
                throw new AimcException($"{_registers.Name}: GEOMETRY reads {_geometry.Rows} rows, {_geometry.Cols} columns, {_geometry.Tiles} tiles, {_geometry.InputBits}-bit inputs, which no TC1 has: check the register interface's wiring and clock");
            }

            _clock = buses.ChipClock ?? new WallClock(_registers.Name);
            _gpio = buses.Gpio;
            _gpio.OpenPin(config.StartLine, PinMode.Output, PinValue.Low);
            _gpio.OpenPin(config.DoneLine, PinMode.Input);

            var parts = new ConverterParts(buses);
            _dacs = [.. config.Inputs.Dacs.Select((p, i) => parts.Dac(p, $"direct.inputs.dacs[{i}]"))];
            _dacRows = Assign(_dacs.Select(d => d.Channels).ToArray(), config.Inputs.Dacs, _geometry.Rows, "rows", "DAC", "direct.inputs.dacs");
            _dacCodeOfInput = [.. _dacs.Select((d, i) => InputTable(d, $"direct.inputs.dacs[{i}]"))];

            _adcs = [.. config.Outputs.Adcs.Select((p, i) => parts.Adc(p, $"direct.outputs.adcs[{i}]"))];
            var adcCols = Assign(_adcs.Select(a => a.Channels).ToArray(), config.Outputs.Adcs, _geometry.Cols, "columns", "ADC", "direct.outputs.adcs");
            _adcChannels = [.. adcCols.Select(n => Enumerable.Range(0, n).ToArray())];
            if (_adcs.Select(a => (a.Bits, a.MinCode, a.MaxCode)).Distinct().Count() > 1)
            {
                throw new AimcException($"direct.outputs.adcs: mixes {string.Join(" and ", _adcs.Select(a => a.Name))} of different resolutions; use one ADC part type for all columns (an MVM result has one code range)");
            }

            (_macPerCode, _macOffset) = OutputScale();
            (_railCodeLow, _railCodeHigh) = BufferRails();
        }
        catch
        {
            buses.Dispose();
            throw;
        }

        Info = new ChipInfo
        {
            Name = _description.Name,
            Domain = _description.Domain,
            Device = _description.Device,
            Rows = _geometry.Rows,
            Cols = _geometry.Cols,
            Tiles = _geometry.Tiles,
            WeightEncoding = _description.WeightEncoding,
            WeightLevels = _description.WeightLevels,
            DacBits = _geometry.InputBits,
            AdcBits = _adcs[0].Bits,
            InputFullScale = config.Inputs.HalfSpanVolts,
            InputUnit = "V",
            OutputFullScale = config.Outputs.HalfSpanVolts,
            OutputUnit = "V",
            MacFullScale = config.MacFullScale,
            AdcCodeMin = _adcs[0].MinCode,
            AdcCodeMax = _adcs[0].MaxCode,
            Transport = $"direct: {_registers.Name}",
            NonIdealities = Effects(),
        };
    }

    public ChipInfo Info { get; }

    /// <summary>Wall time on a board; on an emulated bench the emulator's virtual clock, which drift waits advance.</summary>
    public IChipClock Clock => _clock;

    /// <summary>The register interface, for diagnostics and tests.</summary>
    public Tc1Registers Registers => _registers;

    public IReadOnlyList<IDac> Dacs => _dacs;

    public IReadOnlyList<IAdc> Adcs => _adcs;

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        CheckTile(tile);
        int rows = _geometry.Rows, cols = _geometry.Cols;
        if (targets.Rows > rows || targets.Cols > cols)
        {
            throw new AimcException($"weights of shape {targets.Rows}×{targets.Cols} do not fit a {rows}×{cols} tile");
        }

        if (only is not null && (only.Rows != targets.Rows || only.Cols != targets.Cols))
        {
            throw new ArgumentException($"the cell selection is {only.Rows}×{only.Cols} but the targets are {targets.Rows}×{targets.Cols}", nameof(only));
        }

        var padded = new Grid<float>(rows, cols);
        for (var r = 0; r < targets.Rows; r++)
        {
            for (var c = 0; c < targets.Cols; c++)
            {
                var w = targets[r, c];
                if (!(w >= -1f && w <= 1f))
                {
                    throw new AimcException($"weight target {w} at row {r}, column {c} is outside [-1, 1]; normalize the weights before programming");
                }

                padded[r, c] = w;
            }
        }

        SelectTile(tile);
        _registers.WriteProgramConfig(options);
        if (only is null)
        {
            _registers.Command(Tc1Command.ClearMask);
        }
        else
        {
            // The tile's own shape: cells beyond a smaller selection are not programmed.
            var selected = new Grid<bool>(rows, cols);
            for (var r = 0; r < only.Rows; r++)
            {
                only.Row(r).CopyTo(selected.Row(r));
            }

            for (var r = 0; r < rows; r++)
            {
                _registers.WriteRow(r);
                _registers.WriteRowMask(selected.Row(r));
            }
        }

        _registers.WriteRow(0);
        for (var r = 0; r < rows; r++)
        {
            _registers.WriteRowTargets(padded.Row(r));
        }

        _registers.Command(Tc1Command.Program);
        var timeout = TimeSpan.FromMilliseconds((double)rows * _config.DoneTimeoutMs);
        if (_gpio.WaitForEvent(_config.DoneLine, PinEventTypes.Rising, timeout).TimedOut)
        {
            var status = _registers.ReadStatus();
            var state = status.HasFlag(Tc1Status.Done)
                ? "STATUS says it finished, so the DONE wire does not reach the line"
                : status.HasFlag(Tc1Status.Busy) ? "STATUS says it is still busy: raise done_timeout_ms (per row) in the rig file" : $"STATUS reads 0x{(byte)status:X2}";
            throw new AimcException($"{_registers.Name}: PROGRAM of tile {tile} did not raise DONE (line {_config.DoneLine} of {_gpio.ChipName}) within {timeout.TotalMilliseconds:0} ms; {state}");
        }

        CheckStatus("PROGRAM");
        var achieved = ReadRows(rows, cols, _registers.ReadAchieved);
        var pulses = new Grid<int>(rows, cols);
        _registers.WriteReportRow(0);
        for (var r = 0; r < rows; r++)
        {
            _registers.ReadPulses(pulses.Row(r));
        }

        var representable = ReadRows(rows, cols, _registers.ReadRepresentable);
        var unconverged = new List<CellAddress>();
        var missed = new bool[cols];
        _registers.WriteReportRow(0);
        for (var r = 0; r < rows; r++)
        {
            _registers.ReadUnconverged(missed);
            for (var c = 0; c < cols; c++)
            {
                if (missed[c])
                {
                    unconverged.Add(new CellAddress(r, c));
                }
            }
        }

        var totals = _registers.ReadProgramTotals();
        if (totals.UnconvergedWeights != unconverged.Count)
        {
            throw new AimcException($"{_registers.Name}: PROGRAM_TOTALS counts {totals.UnconvergedWeights} unconverged weights but the UNCONVERGED rows mark {unconverged.Count}: the register interface is not reading back consistently (check the SPI wiring and clock)");
        }

        return new ProgrammingReport
        {
            Tile = tile,
            Targets = padded,
            Representable = representable,
            Achieved = achieved,
            Pulses = pulses,
            TotalPulses = totals.TotalPulses,
            Unconverged = unconverged,
        };
    }

    /// <summary>READBACK then every array row by row. Weights of a differential pair are G+ − G−; TC1 has no register
    /// for the weights of other encodings, so they are the last PROGRAM's ACHIEVED values.</summary>
    public DeviceStates ReadBack(int tile)
    {
        CheckTile(tile);
        int rows = _geometry.Rows, cols = _geometry.Cols;
        SelectTile(tile);
        _registers.Command(Tc1Command.Readback);
        var arrays = new List<DeviceArray>(_description.ArrayNames.Count);
        for (var a = 0; a < _description.ArrayNames.Count; a++)
        {
            _registers.WriteArray(a);
            arrays.Add(new DeviceArray(_description.ArrayNames[a], ReadRows(rows, cols, _registers.ReadReadbackRow), _description.StateFullScale, _description.StateUnit));
        }

        CheckStatus("READBACK");
        Grid<float> weights;
        if (_description.WeightEncoding == WeightEncoding.DifferentialPair && arrays.Count == 2)
        {
            weights = new Grid<float>(rows, cols);
            for (var k = 0; k < weights.Data.Length; k++)
            {
                weights.Data[k] = arrays[0].States.Data[k] - arrays[1].States.Data[k];
            }
        }
        else
        {
            weights = ReadRows(rows, cols, _registers.ReadAchieved);
        }

        return new DeviceStates { Tile = tile, Weights = weights, Arrays = arrays };
    }

    /// <summary>Per sample: every DAC part written in one message, START high, DONE awaited, every ADC part scanned
    /// once, START low. TILE is written only when it changes.</summary>
    public MvmResult Mvm(int tile, Grid<int> inputCodes)
    {
        CheckTile(tile);
        int rows = _geometry.Rows, cols = _geometry.Cols, n = inputCodes.Cols;
        if (n > rows)
        {
            throw new AimcException($"{n} inputs per sample do not fit a tile of {rows} rows");
        }

        var max = Info.InputCodeMax;
        foreach (var x in inputCodes.Data)
        {
            if (x < -max || x > max)
            {
                throw new AimcException($"input code {x} is outside ±{max} ({_geometry.InputBits}-bit signed inputs)");
            }
        }

        SelectTile(tile);
        var codes = new Grid<int>(inputCodes.Rows, cols);
        var saturated = new bool[cols];
        var dacCodes = new int[_dacs.Length == 0 ? 0 : _dacs.Max(d => d.Channels)];
        var saturatedOutputs = 0;
        var timeout = TimeSpan.FromMilliseconds(_config.DoneTimeoutMs);
        for (var s = 0; s < inputCodes.Rows; s++)
        {
            var input = inputCodes.Row(s);
            var row = 0;
            for (var p = 0; p < _dacs.Length; p++)
            {
                var table = _dacCodeOfInput[p];
                var count = _dacRows[p];
                for (var k = 0; k < count; k++, row++)
                {
                    dacCodes[k] = table[(row < n ? input[row] : 0) + max];
                }

                if (count > 0)
                {
                    _dacs[p].WriteAll(dacCodes.AsSpan(0, count));
                }
            }

            _gpio.Write(_config.StartLine, PinValue.High);
            try
            {
                if (_gpio.WaitForEvent(_config.DoneLine, PinEventTypes.Rising, timeout).TimedOut)
                {
                    throw new AimcException($"{_registers.Name}: DONE (line {_config.DoneLine} of {_gpio.ChipName}) did not rise within {_config.DoneTimeoutMs} ms of START (line {_config.StartLine}); check the DONE and START wires and the chip's supplies, or raise done_timeout_ms in the rig file");
                }

                var target = codes.Row(s);
                var col = 0;
                for (var p = 0; p < _adcs.Length; p++)
                {
                    var channels = _adcChannels[p];
                    if (channels.Length > 0)
                    {
                        _adcs[p].ReadCodes(channels, target.Slice(col, channels.Length), saturated.AsSpan(col, channels.Length));
                        col += channels.Length;
                    }
                }
            }
            finally
            {
                _gpio.Write(_config.StartLine, PinValue.Low);
            }

            saturatedOutputs += Saturated(codes.Row(s), saturated);
        }

        return new MvmResult
        {
            Codes = codes,
            MacPerCode = (double[])_macPerCode.Clone(),
            MacOffset = (double[])_macOffset.Clone(),
            SaturatedOutputs = saturatedOutputs,
        };
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _gpio.Write(_config.StartLine, PinValue.Low);
        }
        finally
        {
            _buses.Dispose();
        }
    }

    /// <summary>Outputs of one sample that are not measurements: codes the ADC flagged at its rails, and codes within
    /// one LSB of an output buffer's rail or beyond it (a clipped output reads there, whether the converter rounds or
    /// truncates, when the buffers' span lies inside the ADC's range).</summary>
    private int Saturated(ReadOnlySpan<int> codes, Span<bool> saturated)
    {
        var count = 0;
        for (var j = 0; j < codes.Length; j++)
        {
            saturated[j] |= codes[j] > _railCodeHigh[j] - 1 + 1e-6 || codes[j] < _railCodeLow[j] + 1 - 1e-6;
            count += saturated[j] ? 1 : 0;
        }

        return count;
    }

    /// <summary>Per column, the output buffers' rails (mid ± half span) in ADC code units, low and high.</summary>
    private (double[] Low, double[] High) BufferRails()
    {
        var cols = _geometry.Cols;
        var low = new double[cols];
        var high = new double[cols];
        var outputs = _config.Outputs;
        var col = 0;
        for (var p = 0; p < _adcs.Length; p++)
        {
            foreach (var channel in _adcChannels[p])
            {
                var zero = _adcs[p].ToVolts(channel, 0);
                var step = _adcs[p].ToVolts(channel, 1) - zero;
                var a = (outputs.MidVolts - outputs.HalfSpanVolts - zero) / step;
                var b = (outputs.MidVolts + outputs.HalfSpanVolts - zero) / step;
                (low[col], high[col]) = (Math.Min(a, b), Math.Max(a, b));
                col++;
            }
        }

        return (low, high);
    }

    /// <summary>The chip's effects up to its pins, then the rig's read-out chain: TC1's outputs are analog, so the only
    /// output quantization is the board's ADC and outputs clip at the buffers' rails or the ADC's range, whichever
    /// comes first. A column ADC effect of the chip's description (an emulator preset's) does not apply.</summary>
    private List<NonIdeality> Effects()
    {
        string[] chipConverter = ["adc_quantization", "adc_inl", "output_saturation"];
        var part = _config.Outputs.Adcs[0].Part.ToUpperInvariant();
        var lsb = _macPerCode.Max(Math.Abs);
        var clip = double.PositiveInfinity;
        var atAdcRange = false;
        var col = 0;
        for (var p = 0; p < _adcs.Length; p++)
        {
            foreach (var _ in _adcChannels[p])
            {
                // The converter's range in MAC: from its lowest code to one step past its highest.
                var adcRange = Math.Min(Math.Abs(_macOffset[col] + ((_adcs[p].MaxCode + 1) * _macPerCode[col])), Math.Abs(_macOffset[col] + (_adcs[p].MinCode * _macPerCode[col])));
                atAdcRange |= adcRange < _config.MacFullScale * (1 - 1e-9);
                clip = Math.Min(clip, Math.Min(adcRange, _config.MacFullScale));
                col++;
            }
        }

        var outputs = _config.Outputs;
        var chain = new List<NonIdeality>
        {
            new("adc_quantization", true, _adcs[0].Bits, "bit", $"the board's {part} on the column outputs, 1 code = {lsb:g4} MAC; TC1 has no ADC of its own"),
            new("output_saturation", true, clip, "MAC", atAdcRange
                ? $"outputs clip at the {part}'s range, inside the output buffers' rails ({outputs.MidVolts:g4} ± {outputs.HalfSpanVolts:g4} V = ±{_config.MacFullScale:g4} MAC)"
                : $"outputs clip at the output buffers' rails, {outputs.MidVolts:g4} ± {outputs.HalfSpanVolts:g4} V = ±{_config.MacFullScale:g4} MAC"),
        };
        var effects = new List<NonIdeality>();
        var placed = false;
        foreach (var effect in _description.NonIdealities)
        {
            if (chipConverter.Contains(effect.Name))
            {
                continue;
            }

            effects.Add(effect);
            if (effect.Name == "dac_quantization" && !placed)
            {
                effects.AddRange(chain);
                placed = true;
            }
        }

        if (!placed)
        {
            effects.InsertRange(0, [new NonIdeality("dac_quantization", true, _geometry.InputBits, "bit", "signed input codes (TC1 GEOMETRY input bits)"), .. chain]);
        }

        return effects;
    }

    /// <summary>How many of each part's channels carry rows (or columns), in order; checks the parts cover the chip.</summary>
    private int[] Assign(int[] channels, List<ConverterConfig> parts, int needed, string what, string kind, string where)
    {
        var available = 0;
        var used = new int[channels.Length];
        for (var p = 0; p < channels.Length; p++)
        {
            var count = parts[p].ChannelsUsed ?? channels[p];
            if (count < 1 || count > channels[p])
            {
                throw new AimcException($"{where}[{p}]: channels_used {count}: the {parts[p].Part} has 1 to {channels[p]} channels");
            }

            used[p] = Math.Clamp(needed - available, 0, count);
            available += count;
        }

        if (available < needed)
        {
            throw new AimcException($"{_registers.Name}: the chip has {needed} {what} and the rig file's {kind}s carry {available} channels ({where}); add {kind} parts or channels_used");
        }

        return used;
    }

    /// <summary>The DAC code of every signed input code x (index x + x_max): mid + x / x_max × half span, converted once
    /// so that a bad range fails at open, not in the middle of an MVM.</summary>
    private int[] InputTable(IDac dac, string where)
    {
        var max = (1 << (_geometry.InputBits - 1)) - 1;
        var table = new int[(2 * max) + 1];
        var inputs = _config.Inputs;
        try
        {
            for (var x = -max; x <= max; x++)
            {
                table[x + max] = dac.ToCode(inputs.MidVolts + ((double)x / max * inputs.HalfSpanVolts));
            }
        }
        catch (AimcException e)
        {
            throw new AimcException($"{where}: inputs {inputs.MidVolts} ± {inputs.HalfSpanVolts} V do not fit the DAC: {e.Message}", e);
        }

        return table;
    }

    /// <summary>MAC = (volts − mid) / half span × MAC full scale, with volts linear in the code: per column, the MAC of
    /// code 0 and of one code step.</summary>
    private (double[] PerCode, double[] Offset) OutputScale()
    {
        var cols = _geometry.Cols;
        var perCode = new double[cols];
        var offset = new double[cols];
        var outputs = _config.Outputs;
        var macPerVolt = _config.MacFullScale / outputs.HalfSpanVolts;
        var col = 0;
        for (var p = 0; p < _adcs.Length; p++)
        {
            foreach (var channel in _adcChannels[p])
            {
                var zero = _adcs[p].ToVolts(channel, 0);
                perCode[col] = (_adcs[p].ToVolts(channel, 1) - zero) * macPerVolt;
                offset[col] = (zero - outputs.MidVolts) * macPerVolt;
                col++;
            }
        }

        return (perCode, offset);
    }

    private Grid<float> ReadRows(int rows, int cols, SpanAction read)
    {
        var grid = new Grid<float>(rows, cols);
        _registers.WriteReportRow(0);
        for (var r = 0; r < rows; r++)
        {
            read(grid.Row(r));
        }

        return grid;
    }

    private delegate void SpanAction(Span<float> row);

    private void CheckStatus(string command)
    {
        var status = _registers.ReadStatus();
        if (status.HasFlag(Tc1Status.Error))
        {
            throw new AimcException($"{_registers.Name}: the chip refused a register write or the {command} command (STATUS ERROR); check that the rig file's geometry matches the chip and that no other program drives it");
        }
    }

    private void CheckTile(int tile)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)tile >= (uint)_geometry.Tiles)
        {
            throw new AimcException($"tile {tile} does not exist; the chip has tiles 0..{_geometry.Tiles - 1}");
        }
    }

    private void SelectTile(int tile)
    {
        if (_selectedTile != tile)
        {
            _registers.WriteTile(tile);
            _selectedTile = tile;
        }
    }
}
