// One piece: the emulated chip's contract (IAimcChip) over one per-tile state. Programming, device reads, read-back and
// every MVM path act on the same TileState, virtual clock and seeded random streams, and all of them read devices the
// same way (drift at the tile's age, held 1/f and white read noise, sneak paths); keeping that read path beside its
// callers is what keeps a programmed tile, its read-back and its MVMs consistent for a seed.

using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using AimcHil.Core;
using AimcHil.Emulator.Circuits;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;
using AimcHil.Emulator.Programming;
using AimcHil.Numerics;

namespace AimcHil.Emulator;

/// <summary>An in-process AIMC chip: the physics of a preset's domain and device behind the chip contract,
/// deterministic for a seed.</summary>
/// <remarks>
/// Randomness comes from separate streams: "fab" (the fixed pattern a tile is made with: stuck devices, mismatch,
/// column gain and offset), "program" (programming noise and drift exponents), "read" (the white noise of every
/// read) and one "read/held" per tile and programming (its held 1/f read noise), so the same sequence of calls with
/// the same seed gives the same results.
/// </remarks>
public sealed class EmulatedChip : IAimcChip, IReseedableChip, IPulseCountingChip, IChipModel
{
    /// <summary>Drift is re-evaluated when (age + t0) grew by this factor since the last build: ν·1 % ≤ 0.1 % in state.</summary>
    private const double DriftRebuildRatio = 1.01;
    private const double DriftTimeBaseSeconds = 20;

    private readonly TileState[] _tiles;
    private SeededRandom _programRng;
    private SeededRandom _readRng;
    private ulong _heldSeed;
    private readonly Adc _adc;
    private readonly VirtualClock _clock = new();
    private ScratchBuffer<float> _features;
    private ScratchBuffer<float> _analog;
    private ScratchBuffer<bool> _clipped;
    private ScratchBuffer<float> _heldNormals;

    // Programming's working grids (tile-sized, so large-object allocations): a hil step programs every tile.
    private Grid<float>? _paddedTargets;
    private Grid<bool>? _paddedSelection;
    private float[][]? _selectedTargets;
    private int[]? _pulsesPerWeight;
    private ScratchBuffer<float> _sigma;

    public EmulatedChip(ChipPreset preset, ulong seed)
    {
        Validate(preset);
        Preset = preset;
        Seed = seed;
        Device = preset.CreateDevice();
        Physics = DomainPhysics.Create(preset, Device);
        MemoryBudget.Check(preset, Physics.Encoding.ArrayNames.Count, MemoryBudget.Available());
        _adc = Physics.CreateAdc();
        Physics.CheckRanges(_adc);
        MeasuredArrays.Check(preset, Physics);
        _programRng = SeededRandom.For(seed, "program");
        _readRng = SeededRandom.For(seed, "read");
        _heldSeed = seed;
        _tiles = new TileState[preset.Tiles];
        for (var t = 0; t < preset.Tiles; t++)
        {
            _tiles[t] = MakeTile(t, SeededRandom.For(seed, $"fab/tile{t}"));
        }

        Info = DescribeChip();
    }

    public ChipPreset Preset { get; }

    public ulong Seed { get; }

    public IDeviceModel Device { get; }

    public DomainPhysics Physics { get; }

    IWeightEncoding IChipModel.Encoding => Physics.Encoding;

    bool IChipModel.Calibrated => false;

    public ChipInfo Info { get; }

    public IChipClock Clock => _clock;

    /// <summary>Exact solves of the tiles' IR-drop networks so far (a rebuild that kept the last solve's coupling
    /// does not count): what dominates a step on a chip with wire resistance.</summary>
    public long ExactWireSolves => _tiles.Sum(t => (long)(t.Wires?.ExactSolves ?? 0));

    /// <summary>Wall-clock seconds the exact IR-drop solves of <see cref="ExactWireSolves"/> took.</summary>
    public double ExactWireSolveSeconds => _tiles.Sum(t => t.Wires?.ExactSolveSeconds ?? 0);

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        var state = TileAt(tile);
        var result = ProgramTile(state, targets, options, only, pulsesPerWeight: null);
        return new ProgrammingReport
        {
            Tile = tile,
            Targets = Copy(state.WeightTargets),
            Representable = Decode(state, state.Targets),
            // The last verify read, as firmware would report it; without verify the emulator's own truth.
            Achieved = Decode(state, result.LastReads ?? state.StatesAt(Device, 0)),
            Pulses = new Grid<int>(state.Rows, state.Cols, result.PulsesPerWeight),
            TotalPulses = result.TotalPulses,
            Unconverged = result.UnconvergedWeights.ConvertAll(k => new CellAddress(k / state.Cols, k % state.Cols)),
        };
    }

    /// <summary>Programs a tile as <see cref="Program"/> does, the same pulses and draws, and returns only the pulses
    /// spent: the per-weight report is four tile-sized grids, which hardware-in-the-loop reprogramming every step does
    /// not read.</summary>
    public long ProgramPulses(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        var state = TileAt(tile);
        if (_pulsesPerWeight?.Length != state.Rows * state.Cols)
        {
            _pulsesPerWeight = new int[state.Rows * state.Cols];
        }

        return ProgramTile(state, targets, options, only, _pulsesPerWeight).TotalPulses;
    }

    /// <summary>Write-verify of the targets (the selected ones) into a tile, the clock advanced by its pulses.</summary>
    private WriteVerifyResult ProgramTile(TileState state, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only, int[]? pulsesPerWeight)
    {
        if (targets.Rows > state.Rows || targets.Cols > state.Cols)
        {
            throw new AimcException($"weights of shape {targets.Rows}×{targets.Cols} do not fit a {state.Rows}×{state.Cols} tile");
        }

        if (only is not null && (only.Rows != targets.Rows || only.Cols != targets.Cols))
        {
            throw new ArgumentException($"the cell selection is {only.Rows}×{only.Cols} but the targets are {targets.Rows}×{targets.Cols}", nameof(only));
        }

        var padded = Pad(targets, ref _paddedTargets, state.Rows, state.Cols);
        CheckWeightRange(padded.Data, state.Cols);
        var selected = only is null ? null : Pad(only, ref _paddedSelection, state.Rows, state.Cols).Data;
        SetTargets(state, padded.Data, selected);

        var result = WriteVerify.Run(state, Device, options, _programRng, states => ReadDevices(state, states, Preset.Timing.PulseSeconds, held: null), selected, pulsesPerWeight);
        _clock.Advance(result.TotalPulses * Preset.Timing.PulseSeconds);
        state.ProgrammedAtSeconds = _clock.Seconds;
        Reprogrammed(state);
        state.LastPulseAtSeconds = double.NaN;
        if (Preset.DriftCompensation)
        {
            // The reference read is taken now, when the tile is programmed, whatever its first MVM's age will be.
            CoreAt(state, 0);
        }

        return result;
    }

    /// <summary>Single-device pulses applied by <see cref="ApplyPulse"/> (below-threshold and stuck ones included).</summary>
    public long PulsesApplied { get; private set; }

    /// <summary>One programming pulse on one device: amplitude <paramref name="amplitudeVolts"/> (positive moves the
    /// state up, negative down) for <paramref name="widthSeconds"/>, by the preset's <see cref="PulseResponse"/> law
    /// and then the device's programming noise (drawn from the programming stream).</summary>
    /// <remarks>A pulse that covers none of the headroom (at or below threshold, zero width) and a pulse on a stuck
    /// device move nothing and draw nothing; every pulse advances the clock by its width, at least the preset's pulse
    /// time, and counts in <see cref="PulsesApplied"/>. The law acts on the device's programmed state; where the device
    /// drifts, it keeps its drift exponent and the tile's age since its last <see cref="Program"/>.</remarks>
    public void ApplyPulse(int tile, int array, int row, int col, double amplitudeVolts, double widthSeconds)
    {
        var state = TileAt(tile);
        var k = DeviceIndex(state, array, row, col);
        if (!double.IsFinite(amplitudeVolts))
        {
            throw new AimcException($"pulse amplitude {amplitudeVolts} V is not a finite voltage");
        }

        if (!(widthSeconds >= 0) || !double.IsFinite(widthSeconds))
        {
            throw new AimcException($"pulse width {widthSeconds} s must be finite and not negative");
        }

        _clock.Advance(Math.Max(widthSeconds, Preset.Timing.PulseSeconds));
        PulsesApplied++;
        var response = Preset.PulseResponse;
        if (state.Stuck[array][k] != StuckState.None || response.Fraction(amplitudeVolts, widthSeconds) == 0)
        {
            return;
        }

        var aimed = response.Aimed(state.Programmed[array][k], Device.MinState, amplitudeVolts, widthSeconds);
        state.Programmed[array][k] = Device.ProgramOnce(Device.Quantize((float)aimed), _programRng);

        // The compute view holds the old state: the next MVM rebuilds it and takes a new compensation reference.
        Reprogrammed(state);
        state.LastPulseAtSeconds = _clock.Seconds;
    }

    /// <summary>Device states changed: the compute view, the drift-compensation reference and the held read noise
    /// all belong to the old states.</summary>
    private static void Reprogrammed(TileState state)
    {
        // What the old states made is kept only for its arrays, which the next build and draw overwrite.
        state.RetiredCore = state.Core ?? state.RetiredCore;
        state.Core = null;
        state.DriftReference = 0;
        state.RetiredHeldReadNoise = state.HeldReadNoise ?? state.RetiredHeldReadNoise;
        state.HeldReadNoise = null;
        state.HeldRng = null;
        state.Programmings++;
    }

    /// <summary>A verify read of one device: its normalized state now (drifted, stuck devices pinned), as the read
    /// circuit sees it (mismatch; sneak paths in a passive array), with one read-noise draw from the read stream.</summary>
    public float ReadDevice(int tile, int array, int row, int col)
    {
        var state = TileAt(tile);
        var k = DeviceIndex(state, array, row, col);
        var states = state.StatesAt(Device, Age(state));
        var read = Preset.AccessTransistors ? states[array][k] * state.Mismatch[array][k] : SneakApparent(state, states)[array][k];
        if (!double.IsNaN(state.LastPulseAtSeconds))
        {
            // Between pulses of a host-driven programming: a verify read, at its real time after the last pulse.
            var sincePulse = Math.Max(_clock.Seconds - state.LastPulseAtSeconds, Preset.Timing.PulseSeconds);
            return WithReadNoise(Device.ReadNoiseSigma(state.Programmed[array][k], states[array][k], sincePulse), read);
        }

        var readSeconds = InferenceReadSeconds(state);
        var held = HeldNoiseAt(state, readSeconds);
        var white = Device.ReadNoiseWhiteFraction(readSeconds, Preset.Timing.MvmSeconds);
        var sigma = Device.ReadNoiseSigma(state.Programmed[array][k], states[array][k], readSeconds);
        return WithReadNoise(sigma, read, held?[array][k] ?? 0, white);
    }

    public DeviceStates ReadBack(int tile)
    {
        var state = TileAt(tile);
        var readSeconds = InferenceReadSeconds(state);
        var held = HeldNoiseAt(state, readSeconds);
        var reads = ReadDevices(state, state.StatesAt(Device, Age(state)), readSeconds, held);
        var names = Physics.Encoding.ArrayNames;
        var arrays = new List<DeviceArray>(names.Count);
        for (var a = 0; a < names.Count; a++)
        {
            arrays.Add(new DeviceArray(names[a], new Grid<float>(state.Rows, state.Cols, reads[a]), Device.FullScale, Device.StateUnit));
        }

        return new DeviceStates { Tile = tile, Weights = Decode(state, reads), Arrays = arrays };
    }

    public MvmResult Mvm(int tile, Grid<int> inputCodes)
    {
        var state = TileAt(tile);
        CheckInputs(state, inputCodes);
        return FullMvm(state, CoreAt(state, Age(state)), inputCodes);
    }

    private MvmResult FullMvm(TileState state, LinearCore core, Grid<int> inputCodes)
    {
        var batch = inputCodes.Rows;
        var rows = inputCodes.Cols;
        var codes = inputCodes.Data;
        var features = _features.Take(batch * rows);
        var analog = _analog.Take(batch * core.Conversions);
        // Every code is written below, so the result need not be zeroed first.
        var result = new Grid<int>(batch, state.Cols, GC.AllocateUninitializedArray<int>(batch * state.Cols));
        int saturatedOutputs;
        if (Physics.Phases == 1 && Physics.ConversionsPerOutput == 1)
        {
            // One conversion per output: the codes are the result (the hot path of analog domains).
            var clipped = _clipped.Take(analog.Length);
            var railed = AnalogOutputs(state, core, codes, rows, features, analog, clipped);
            saturatedOutputs = _adc.ConvertToCodes(analog, result.Data) + ClippedWithinAdcRange(analog, clipped, railed);
        }
        else
        {
            saturatedOutputs = RecombinePhases(state, core, codes, rows, features, analog, result);
        }

        _clock.Advance(batch * Preset.Timing.MvmSeconds);
        var macPerCode = _adc.Lsb * Physics.MacPerUnit * DriftCompensation(state, core);
        var scale = new double[state.Cols];
        Array.Fill(scale, macPerCode);
        return new MvmResult
        {
            Codes = result,
            MacPerCode = scale,
            MacOffset = new double[state.Cols],
            SaturatedOutputs = saturatedOutputs,
        };
    }

    /// <summary>Computes only <paramref name="columns"/>: the same codes as those columns of the full MVM, and the
    /// same state afterwards (the read stream skips the other columns' normals); a layer block of 8 columns on a
    /// 256-column tile no longer pays read noise and conversion for 256. <see cref="MvmResult.SaturatedOutputs"/>
    /// counts the range's outputs only. Domains with several phases or conversions per output, and non-linear
    /// transfers, run the full MVM and slice it.</summary>
    public MvmResult Mvm(int tile, Grid<int> inputCodes, ColumnRange columns)
    {
        var state = TileAt(tile);
        columns.CheckWithin(state.Cols);
        CheckInputs(state, inputCodes);
        var batch = inputCodes.Rows;
        var core = CoreAt(state, Age(state));
        // The ADC converts 8 values at a time and the rest one by one, in another arithmetic: the range keeps every
        // value on the side of that split the full MVM put it on only when the full MVM has no remainder.
        if (Physics.Phases != 1 || Physics.ConversionsPerOutput != 1 || !core.ComputesColumnsAlone || (batch * state.Cols) % Vector256<float>.Count != 0)
        {
            return FullMvm(state, core, inputCodes).Columns(columns);
        }

        var rows = inputCodes.Cols;
        var count = columns.Count;
        var n = batch * count;
        var padded = (n + Vector256<float>.Count - 1) / Vector256<float>.Count * Vector256<float>.Count;
        var features = _features.Take(batch * rows);
        var analog = _analog.Take(padded);
        var clipped = _clipped.Take(n);
        Physics.InputFeatures(0, inputCodes.Data, features);
        core.EvaluateColumns(features, batch, rows, columns.Start, count, analog, _readRng);
        analog[n..].Clear();
        clipped.Clear();
        var railed = Physics.ShapeAnalog(analog[..n], clipped);
        if (!state.Readout.IsIdeal)
        {
            var gain = state.Readout.Gain.AsSpan(columns.Start, count);
            var offset = state.Readout.Offset.AsSpan(columns.Start, count);
            for (var s = 0; s < batch; s++)
            {
                var row = analog.Slice(s * count, count);
                TensorPrimitives.MultiplyAdd(row, gain, offset, row);
            }
        }

        var codes = GC.AllocateUninitializedArray<int>(padded);
        // The padding is 0 V, inside every bipolar and unipolar range: it adds no saturated output.
        var saturatedOutputs = _adc.ConvertToCodes(analog, codes) + ClippedWithinAdcRange(analog[..n], clipped, railed);
        _clock.Advance(batch * Preset.Timing.MvmSeconds);
        var scale = new double[count];
        Array.Fill(scale, _adc.Lsb * Physics.MacPerUnit * DriftCompensation(state, core));
        return new MvmResult
        {
            Codes = new Grid<int>(batch, count, padded == n ? codes : codes[..n]),
            MacPerCode = scale,
            MacOffset = new double[count],
            SaturatedOutputs = saturatedOutputs,
        };
    }

    /// <summary>An MVM whose outputs leave the chip as analog values, before any column ADC: what a test chip with
    /// analog output buffers (TC1) presents at its pins, in MAC units (batch × cols), drift compensation included.</summary>
    /// <remarks>Only for domains with one conversion per output: bit-serial and bit-sliced domains recombine
    /// digitized phases on chip, so their outputs exist only as codes.</remarks>
    public AnalogMvmResult MvmAnalog(int tile, Grid<int> inputCodes)
    {
        if (Physics.Phases != 1 || Physics.ConversionsPerOutput != 1)
        {
            throw new AimcException($"the {SnakeCase.Of(Preset.Domain)} domain digitizes every input and weight bit on chip: its outputs exist only as ADC codes, not as analog values");
        }

        var state = TileAt(tile);
        CheckInputs(state, inputCodes);
        var batch = inputCodes.Rows;
        var core = CoreAt(state, Age(state));
        var rows = inputCodes.Cols;
        var features = _features.Take(batch * rows);
        var analog = new float[batch * core.Conversions];
        var clipped = _clipped.Take(analog.Length);
        var railed = AnalogOutputs(state, core, inputCodes.Data, rows, features, analog, clipped);
        _clock.Advance(batch * Preset.Timing.MvmSeconds);
        TensorPrimitives.Multiply(analog, (float)(Physics.MacPerUnit * DriftCompensation(state, core)), analog);
        return new AnalogMvmResult(new Grid<float>(batch, state.Cols, analog), railed);
    }

    /// <summary>The analog conversions of one single-phase MVM, as the ADC would see them: the domain's transfer and
    /// limits, then the column read-out; returns how many hit a rail on the way (flagged in <paramref name="clipped"/>).</summary>
    private int AnalogOutputs(TileState state, LinearCore core, int[] codes, int rows, Span<float> features, Span<float> analog, Span<bool> clipped)
    {
        var batch = analog.Length / core.Conversions;
        Physics.InputFeatures(0, codes, features);
        core.Evaluate(features, batch, rows, analog, _readRng);
        clipped.Clear();
        var railed = Physics.ShapeAnalog(analog, clipped);
        ApplyReadout(state, analog, batch);
        return railed;
    }

    /// <summary>Outputs clipped at a rail before the ADC that the ADC itself did not flag (the rail sits inside its
    /// range): each is a saturated output all the same.</summary>
    private int ClippedWithinAdcRange(ReadOnlySpan<float> analog, ReadOnlySpan<bool> clipped, int railed)
    {
        if (railed == 0)
        {
            return 0;
        }

        var count = 0;
        for (var k = 0; k < analog.Length; k++)
        {
            if (clipped[k])
            {
                _adc.Convert(analog[k], out var adcSaturated);
                count += adcSaturated ? 0 : 1;
            }
        }

        return count;
    }

    private void CheckInputs(TileState state, Grid<int> inputCodes)
    {
        if (inputCodes.Cols > state.Rows)
        {
            throw new AimcException($"inputs have {inputCodes.Cols} values per vector but the tile has {state.Rows} rows");
        }

        var max = Physics.InputCodeMax;
        // Min and max, not max |code|: |int.MinValue| overflows, and a hostile host sends exactly that.
        if (inputCodes.Data.Length > 0 && (TensorPrimitives.Min<int>(inputCodes.Data) < -max || TensorPrimitives.Max<int>(inputCodes.Data) > max))
        {
            var bad = inputCodes.Data.First(c => c < -max || c > max);
            throw new AimcException($"input code {bad} is outside the {Preset.Dac.Bits}-bit DAC range [-{max}, {max}]");
        }
    }


    /// <summary>Bit-sliced and bit-serial domains: every phase's conversions are digitized and added with their
    /// integer significance into one code per output.</summary>
    private int RecombinePhases(TileState state, LinearCore core, int[] codes, int rows, Span<float> features, Span<float> analog, Grid<int> result)
    {
        var batch = result.Rows;
        var sub = Physics.ConversionsPerOutput;
        var recombined = new long[batch * state.Cols];
        var saturated = new bool[analog.Length];
        var outputSaturated = new bool[recombined.Length];
        for (var phase = 0; phase < Physics.Phases; phase++)
        {
            Physics.InputFeatures(phase, codes, features);
            core.Evaluate(features, batch, rows, analog, _readRng);
            Array.Clear(saturated);
            Physics.ShapeAnalog(analog, saturated);
            ApplyReadout(state, analog, batch);
            _adc.ConvertInPlace(analog, saturated);
            for (var b = 0; b < sub; b++)
            {
                var weight = Physics.Recombination(phase, b);
                for (var s = 0; s < batch; s++)
                {
                    for (var j = 0; j < state.Cols; j++)
                    {
                        var c = (s * core.Conversions) + (j * sub) + b;
                        recombined[(s * state.Cols) + j] += weight * (long)analog[c];
                        outputSaturated[(s * state.Cols) + j] |= saturated[c];
                    }
                }
            }
        }

        for (var k = 0; k < recombined.Length; k++)
        {
            result.Data[k] = checked((int)recombined[k]);
        }

        return outputSaturated.Count(x => x);
    }

    /// <summary>Per-column gain and offset of the read-out chain, in place.</summary>
    private static void ApplyReadout(TileState state, Span<float> analog, int batch)
    {
        var conversions = state.Readout.Gain.Length;
        if (!state.Readout.IsIdeal)
        {
            for (var s = 0; s < batch; s++)
            {
                var row = analog.Slice(s * conversions, conversions);
                TensorPrimitives.MultiplyAdd(row, state.Readout.Gain, state.Readout.Offset, row);
            }
        }
    }

    public void Reseed(ulong seed)
    {
        _programRng = SeededRandom.For(seed, "program");
        _readRng = SeededRandom.For(seed, "read");
        _heldSeed = seed;
        foreach (var tile in _tiles)
        {
            tile.Programmings = 0;
            tile.HeldRng = null;
        }
    }

    public void Dispose()
    {
    }

    /// <summary>The compute view at an age, rebuilt when drift has moved the states or first used after programming;
    /// its read noise follows the tile's held draw.</summary>
    internal LinearCore CoreAt(TileState tile, double ageSeconds)
    {
        var core = tile.Core;
        var stale = core is null
            || (tile.Drifts && (ageSeconds + DriftTimeBaseSeconds) / (tile.CoreAgeSeconds + DriftTimeBaseSeconds) > DriftRebuildRatio);
        float[][]? states = null;
        if (stale)
        {
            states = tile.StatesAt(Device, ageSeconds);
            tile.RetiredCore = core ?? tile.RetiredCore;
            core = Physics.Build(tile, states, ageSeconds);
            tile.CoreAgeSeconds = ageSeconds;

            // The reference read serves drift compensation only: without it, a column-by-column sum of the tile saved.
            if (Preset.DriftCompensation && tile.DriftReference == 0)
            {
                tile.DriftReference = core.OnesResponse();
            }

            tile.Core = core;
        }

        if (core!.ReadNoiseGains is not null)
        {
            var readSeconds = ageSeconds + Device.SettlingSeconds;
            var held = HeldNoiseAt(tile, readSeconds);
            if (core.NoiseVersion != tile.HeldReadNoiseVersion)
            {
                SetReadNoise(tile, core, states ?? tile.StatesAt(Device, ageSeconds), readSeconds, held);
            }
        }

        return core;
    }

    /// <summary>The time after the programming pulse at which an inference read of the tile happens now.</summary>
    private double InferenceReadSeconds(TileState tile) => Age(tile) + Device.SettlingSeconds;

    /// <summary>The tile's held read-noise draw for a read at <paramref name="readSeconds"/> after programming, drawn
    /// on first use and renewed as time passes (by the device's correlation between the two times) once that time
    /// has grown by the rebuild ratio; null when the device has no held read noise.</summary>
    private float[][]? HeldNoiseAt(TileState tile, double readSeconds)
    {
        var window = Preset.Timing.MvmSeconds;
        if (Device.ReadNoiseSigma(1f, 1f, readSeconds) == 0 || Device.ReadNoiseWhiteFraction(readSeconds, window) >= 1)
        {
            return null;
        }

        // Programming clears the draw and the clock only runs forward, so a kept draw is never from a later time.
        var held = tile.HeldReadNoise;
        var fresh = held is null;
        if (!fresh && readSeconds <= tile.HeldReadNoiseSeconds * DriftRebuildRatio)
        {
            return held;
        }

        var correlation = fresh ? 0 : Device.ReadNoiseCorrelation(tile.HeldReadNoiseSeconds, readSeconds, window);
        held ??= tile.RetiredHeldReadNoise ?? tile.Programmed.Select(p => new float[p.Length]).ToArray();
        tile.RetiredHeldReadNoise = null;

        // A stream per tile and programming, apart from the white draws: the held noise after a tile's n-th
        // programming is the same whatever was read, and when, before it.
        var rng = tile.HeldRng ??= SeededRandom.For(_heldSeed, $"read/held/tile{tile.Index}/programming{tile.Programmings}");
        var renewed = (float)Math.Sqrt(1 - (correlation * correlation));
        foreach (var draw in held)
        {
            if (fresh)
            {
                // ρ = 0 and √(1 − ρ²) = 1: the draw is the normals themselves, whatever the array held before.
                rng.FillStandardNormal(draw);
                continue;
            }

            var normals = _heldNormals.Take(draw.Length);
            rng.FillStandardNormal(normals);
            TensorPrimitives.Multiply(draw, (float)correlation, draw);
            TensorPrimitives.MultiplyAdd(normals, renewed, draw, draw);
        }

        tile.HeldReadNoise = held;
        tile.HeldReadNoiseSeconds = readSeconds;
        tile.HeldReadNoiseVersion++;
        return held;
    }

    /// <summary>Fills a compute view's read noise at a read time: the white part as its output-referred variance
    /// Σ (gain·σ)²·f_white, the held part as weights Σ gain·σ·√(1 − f_white)·ξ.</summary>
    /// <remarks>In pieces that stay in the first-level cache, every array's terms of a piece before the next piece:
    /// each device gets the same float operations in the same order as whole-array passes would give it, and an array
    /// whose σ is zero everywhere adds exact zeros, as leaving it out would.</remarks>
    private void SetReadNoise(TileState tile, LinearCore core, float[][] states, double readSeconds, float[][]? held)
    {
        const int Piece = 2048;
        var gains = core.ReadNoiseGains!;
        var n = gains[0].Length;
        var white = Device.ReadNoiseWhiteFraction(readSeconds, Preset.Timing.MvmSeconds);
        var heldScale = (float)Math.Sqrt(1 - white);
        var variance = core.ZeroedVarianceBuffer();
        var slow = held is null ? null : core.ZeroedSlowNoiseBuffer();
        var sigma = _sigma.Take(Piece);
        var any = false;
        for (var start = 0; start < n; start += Piece)
        {
            var length = Math.Min(Piece, n - start);
            var s = sigma[..length];
            for (var a = 0; a < gains.Length; a++)
            {
                Device.ReadNoiseSigmas(tile.Programmed[a].AsSpan(start, length), states[a].AsSpan(start, length), readSeconds, s);
                any |= ReadNoiseTerms.Accumulate(
                    s,
                    gains[a].AsSpan(start, length),
                    held is null ? default : held[a].AsSpan(start, length),
                    heldScale,
                    (float)white,
                    slow is null ? default : slow.AsSpan(start, length),
                    variance.AsSpan(start, length));
            }
        }

        core.NoiseVariance = any && white > 0 ? variance : null;
        core.SlowNoise = any ? slow : null;
        core.NoiseVersion = tile.HeldReadNoiseVersion;
    }

    private static void Validate(ChipPreset preset)
    {
        ValidRanges.Check(preset);
        preset.PulseResponse.Validate();
    }

    /// <summary>Throws for the first weight that is not finite or outside [-1, 1].</summary>
    private static void CheckWeightRange(float[] weights, int cols)
    {
        // One vectorized pass settles the usual case; NaN fails the comparison as well.
        if (Math.Abs(TensorPrimitives.MaxMagnitude(weights)) <= 1f)
        {
            return;
        }

        for (var k = 0; k < weights.Length; k++)
        {
            if (!float.IsFinite(weights[k]) || weights[k] is < -1f or > 1f)
            {
                throw new AimcException($"weight target {weights[k]} at row {k / cols}, column {k % cols} is outside [-1, 1]");
            }
        }
    }

    /// <summary>Writes the weight targets and their device targets of the selected weights (all when null).</summary>
    private void SetTargets(TileState state, float[] weights, bool[]? selected)
    {
        if (selected is null)
        {
            weights.CopyTo(state.WeightTargets.Data, 0);
            Physics.Encoding.Encode(weights, state.Targets);
            return;
        }

        var encoded = _selectedTargets ??= Physics.Encoding.ArrayNames.Select(_ => new float[weights.Length]).ToArray();
        Physics.Encoding.Encode(weights, encoded);
        for (var k = 0; k < weights.Length; k++)
        {
            if (selected[k])
            {
                state.WeightTargets.Data[k] = weights[k];
                for (var a = 0; a < encoded.Length; a++)
                {
                    state.Targets[a][k] = encoded[a][k];
                }
            }
        }
    }

    /// <summary>The grid at the tile's size, zero-padded; the grid itself when it already fits, since callers only read it.</summary>
    /// <remarks>A smaller grid is padded into <paramref name="scratch"/>, the chip's own buffer for the purpose, which
    /// the next programming overwrites: nothing keeps a padded grid beyond the call that made it.</remarks>
    private static Grid<T> Pad<T>(Grid<T> source, ref Grid<T>? scratch, int rows, int cols)
    {
        if (source.Rows == rows && source.Cols == cols)
        {
            return source;
        }

        var padded = scratch is { } kept && kept.Rows == rows && kept.Cols == cols ? kept : new Grid<T>(rows, cols);
        scratch = padded;
        for (var r = 0; r < rows; r++)
        {
            var row = padded.Row(r);
            var copied = r < source.Rows ? source.Cols : 0;
            if (copied > 0)
            {
                source.Row(r).CopyTo(row);
            }

            row[copied..].Clear();
        }

        return padded;
    }

    private double DriftCompensation(TileState tile, LinearCore core)
    {
        if (!Preset.DriftCompensation || tile.DriftReference == 0)
        {
            return 1;
        }

        var now = core.OnesResponse();
        return now == 0 ? 1 : tile.DriftReference / now;
    }

    private double Age(TileState tile) => _clock.Seconds - tile.ProgrammedAtSeconds;

    private TileState TileAt(int tile)
    {
        if (tile < 0 || tile >= _tiles.Length)
        {
            throw new AimcException($"tile {tile} does not exist: the chip has tiles 0 … {_tiles.Length - 1}");
        }

        return _tiles[tile];
    }

    private TileState MakeTile(int index, SeededRandom fab)
    {
        var arrays = Physics.Encoding.ArrayNames.Count;
        var tile = new TileState(index, Preset.Rows, Preset.Cols, arrays, Preset.Cols * Physics.ConversionsPerOutput);
        for (var a = 0; a < arrays; a++)
        {
            for (var k = 0; k < Preset.Rows * Preset.Cols; k++)
            {
                tile.Stuck[a][k] = Device.DrawStuck(fab);
                tile.Mismatch[a][k] = Device.DrawMismatch(fab);
            }
        }

        if (Preset.MeasuredStuck is { } measured)
        {
            // Overwritten after the draws, not instead of them: the fab stream must advance as without the map.
            var cells = Preset.Rows * Preset.Cols;
            for (var a = 0; a < arrays; a++)
            {
                var start = ((index * arrays) + a) * cells;
                for (var k = 0; k < cells; k++)
                {
                    tile.Stuck[a][k] = (StuckState)measured[start + k];
                }
            }
        }

        tile.Readout.Draw(Preset.ColumnMismatch, _adc.FullScale, fab, index);
        Physics.DrawPattern(tile, fab);

        // An unprogrammed tile holds zero weights, as a freshly reset chip does.
        Physics.Encoding.Encode(tile.WeightTargets.Data, tile.Targets);
        for (var a = 0; a < arrays; a++)
        {
            tile.Targets[a].CopyTo(tile.Programmed[a], 0);
        }

        return tile;
    }

    /// <summary>Measured normalized states, read <paramref name="readSeconds"/> after programming: read noise on
    /// every device (its held part from <paramref name="held"/>, fresh when null, as for a verify read right after a
    /// pulse) and, in a passive array, sneak paths.</summary>
    private float[][] ReadDevices(TileState tile, float[][] states, double readSeconds, float[][]? held)
    {
        var reads = new float[states.Length][];
        if (!Preset.AccessTransistors)
        {
            var apparent = SneakApparent(tile, states);
            for (var a = 0; a < states.Length; a++)
            {
                reads[a] = apparent[a];
            }
        }
        else
        {
            for (var a = 0; a < states.Length; a++)
            {
                reads[a] = new float[states[a].Length];
                TensorPrimitives.Multiply(states[a], tile.Mismatch[a], reads[a]);
            }
        }

        var white = held is null ? 1 : Device.ReadNoiseWhiteFraction(readSeconds, Preset.Timing.MvmSeconds);
        var sigma = new float[states[0].Length];
        for (var a = 0; a < states.Length; a++)
        {
            Device.ReadNoiseSigmas(tile.Programmed[a], states[a], readSeconds, sigma);
            for (var k = 0; k < states[a].Length; k++)
            {
                reads[a][k] = WithReadNoise(sigma[k], reads[a][k], held?[a][k] ?? 0, white);
            }
        }

        return reads;
    }

    /// <summary>One device's read with its read noise, clipped at 0: the held part <paramref name="heldNormal"/>
    /// carries 1 − <paramref name="whiteFraction"/> of the variance, a fresh draw the rest; draws nothing when the
    /// device reads noiselessly or the noise is all held.</summary>
    private float WithReadNoise(float sigma, float read, float heldNormal = 0, double whiteFraction = 1)
    {
        if (!(sigma > 0))
        {
            return read;
        }

        var noise = whiteFraction < 1 ? Math.Sqrt(1 - whiteFraction) * heldNormal : 0;
        if (whiteFraction > 0)
        {
            noise += Math.Sqrt(whiteFraction) * _readRng.NextGaussian();
        }

        return Math.Max(read + (sigma * (float)noise), 0f);
    }

    /// <summary>The compute view an MVM of the tile would use now (built if need be).</summary>
    internal LinearCore ComputeView(int tile)
    {
        var state = TileAt(tile);
        return CoreAt(state, Age(state));
    }

    /// <summary>The weights of a tile with a stuck device (in any array): what write-verify cannot move.</summary>
    internal HashSet<(int Row, int Col)> StuckDevices(int tile)
    {
        var state = TileAt(tile);
        return state.StuckCells.SelectMany(cells => cells).Select(k => (k / state.Cols, k % state.Cols)).ToHashSet();
    }

    /// <summary>The row-major index of device (<paramref name="row"/>, <paramref name="col"/>) of array
    /// <paramref name="array"/>, or a message naming what exists.</summary>
    private int DeviceIndex(TileState tile, int array, int row, int col)
    {
        var names = Physics.Encoding.ArrayNames;
        if (array < 0 || array >= names.Count)
        {
            throw new AimcException($"device array {array} does not exist: the weights use arrays 0 … {names.Count - 1} ({string.Join(", ", names)})");
        }

        if (row < 0 || row >= tile.Rows || col < 0 || col >= tile.Cols)
        {
            throw new AimcException($"cell ({row}, {col}) does not exist: the tile has rows 0 … {tile.Rows - 1} and columns 0 … {tile.Cols - 1}");
        }

        return (row * tile.Cols) + col;
    }

    /// <summary>Single-device reads of a passive array with floating unselected lines: every device array shares the
    /// word lines, so the network is rows × (arrays·cols).</summary>
    private static float[][] SneakApparent(TileState tile, float[][] states)
    {
        int rows = tile.Rows, cols = tile.Cols, arrays = states.Length;
        var wide = arrays * cols;
        var physical = new double[rows * wide];
        for (var i = 0; i < rows; i++)
        {
            for (var a = 0; a < arrays; a++)
            {
                for (var j = 0; j < cols; j++)
                {
                    var k = (i * cols) + j;
                    physical[(i * wide) + (a * cols) + j] = states[a][k] * tile.Mismatch[a][k];
                }
            }
        }

        var apparent = SneakPathRead.ApparentConductance(physical, rows, wide, accessTransistors: false);
        var reads = new float[arrays][];
        for (var a = 0; a < arrays; a++)
        {
            reads[a] = new float[rows * cols];
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    reads[a][(i * cols) + j] = (float)apparent[(i * wide) + (a * cols) + j];
                }
            }
        }

        return reads;
    }

    /// <summary>A copy without zeroing first: at tile size these are large-object allocations, made on every programming.</summary>
    private static Grid<float> Copy(Grid<float> source)
    {
        var copy = new Grid<float>(source.Rows, source.Cols, GC.AllocateUninitializedArray<float>(source.Data.Length));
        source.Data.CopyTo(copy.Data, 0);
        return copy;
    }

    private Grid<float> Decode(TileState tile, float[][] states)
    {
        var weights = new Grid<float>(tile.Rows, tile.Cols, GC.AllocateUninitializedArray<float>(tile.Rows * tile.Cols));
        Physics.Encoding.Decode(states, weights.Data);
        return weights;
    }

    /// <summary>What <c>aimc info</c> appends to a non-ideality whose pattern was measured, not drawn.</summary>
    private static string MeasuredNote(object? measured, string? file) => measured switch
    {
        null => string.Empty,
        _ when file is null => " (measured)",
        _ => $" (measured, from {file})",
    };

    private ChipInfo DescribeChip()
    {
        var (codeMin, codeMax, macFullScale) = Physics.OutputRange(_adc);
        var mismatch = Preset.ColumnMismatch;
        var effects = new List<NonIdeality>
        {
            new("dac_quantization", true, Preset.Dac.Bits, "bit", "signed input codes"),
            new("adc_quantization", true, Preset.Adc.Bits, "bit", "column ADC resolution"),
            new("adc_inl", Preset.Adc.InlPeakLsb != 0, Preset.Adc.InlPeakLsb, "LSB", "bow-shaped integral non-linearity, peak at mid-range"),
            new("output_saturation", true, macFullScale, "MAC", "outputs clip at the ADC range"),
            new("column_gain_mismatch", mismatch.Enabled && (mismatch.GainSigma > 0 || mismatch.MeasuredGain is not null), mismatch.GainSigma, "relative", "per-column gain error, fixed pattern" + MeasuredNote(mismatch.MeasuredGain, mismatch.GainFile)),
            new("column_offset_mismatch", mismatch.Enabled && (mismatch.OffsetSigmaFullScale > 0 || mismatch.MeasuredOffset is not null), mismatch.OffsetSigmaFullScale, "full scale", "per-column offset, fixed pattern" + MeasuredNote(mismatch.MeasuredOffset, mismatch.OffsetFile)),
            new("sneak_paths", !Preset.AccessTransistors, 0, "", "passive 1R array: single-device reads see the rest of the array"),
            new("drift_compensation", Preset.DriftCompensation, 0, "", "global output rescaling from a reference read after programming"),
        };
        effects.AddRange(Device.Describe().Select(e => e.Name == "stuck_at" && Preset.MeasuredStuck is { } map
            ? e with { Enabled = map.Any(code => code != 0), Description = e.Description + MeasuredNote(map, Preset.StuckMapFile) }
            : e));
        effects.AddRange(Physics.Describe());
        return new ChipInfo
        {
            Name = Preset.Name,
            Domain = Preset.Domain,
            Device = Preset.Device,
            Rows = Preset.Rows,
            Cols = Preset.Cols,
            Tiles = Preset.Tiles,
            WeightEncoding = Physics.Encoding.Kind,
            WeightLevels = Physics.Encoding.WeightLevels,
            DacBits = Preset.Dac.Bits,
            AdcBits = Preset.Adc.Bits,
            InputFullScale = Physics.InputFullScale,
            InputUnit = Physics.InputUnit,
            OutputFullScale = _adc.FullScale * Physics.OutputPerUnit,
            OutputUnit = Physics.OutputUnit,
            MacFullScale = macFullScale,
            AdcCodeMin = codeMin,
            AdcCodeMax = codeMax,
            Transport = "emulator",
            NonIdealities = effects,
        };
    }
}
