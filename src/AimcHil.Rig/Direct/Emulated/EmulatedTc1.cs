// One piece: TC1's register interface (hil-rigs/direct-tc1.md) as one device model. The SPI exchange decodes into the
// register handlers below, and all of them act on the same latched state (status, tile, row, cell, array, targets,
// mask, write-verify settings, last MVM), which START on the GPIO model also reads; the spec's register table has its
// one counterpart here.

using System.Device.Gpio;
using System.Device.Spi;
using System.Buffers.Binary;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>The TC1 test chip of hil-rigs/direct-tc1.md at register level, backed by an <see cref="IAimcChip"/>: its SPI
/// register interface, START/DONE on the GPIO model, word-line voltages read from the DAC models and column voltages
/// presented to the ADC models.</summary>
/// <remarks>Commands and computes complete inside the SPI transaction or GPIO write that starts them, so STATUS never
/// shows BUSY; see "Emulation notes" in hil-rigs/direct-tc1.md for the readings of the spec this model makes. Single-device
/// pulses (PULSE) and verify reads (VERIFY) need the emulator's device-level access, so they work when the chip is an
/// <see cref="EmulatedChip"/>; behind any other <see cref="IAimcChip"/> PULSE sets ERROR and VERIFY reads zeros.</remarks>
public sealed class EmulatedTc1 : EmulatedSpiPart
{
    /// <summary>ID register: TC1, interface version 1.</summary>
    public const ushort Id = 0x7C01;

    private const byte WriteInstruction = 0x02;
    private const byte ReadInstruction = 0x03;
    private const byte StatusBusy = 1;
    private const byte StatusDone = 2;
    private const byte StatusError = 4;

    private readonly object _state = new();
    private readonly EmulatedGpio _gpio;
    private readonly int _doneLine;
    private readonly Func<int, double> _wordLineVolts;
    private readonly int _wordLines;
    private readonly InputStageConfig _inputStage;
    private readonly OutputStageConfig _outputStage;
    private readonly double _macFullScale;
    private readonly int _rows;
    private readonly int _cols;
    private readonly float[] _targets;
    private readonly bool[] _mask;
    private readonly double[] _outputs;
    private byte _status;
    private int _row;
    private int _reportRow;
    private int _array;
    private int _cellRow;
    private int _cellCol;
    private bool _verify = true;
    private int _maxPulses = 20;
    private int _tolerance = 1311; // 0.02 of the device range, WriteVerifyOptions.Default
    private int[] _lastInputs = [];
    private double[] _lastMac = [];

    /// <param name="chip">The chip behind the pins.</param>
    /// <param name="config">Register SPI device, START/DONE lines, input and output stages, MAC full scale.</param>
    /// <param name="gpio">The GPIO chip START and DONE are wired to.</param>
    /// <param name="wordLineVolts">The voltage on word line i (the i-th DAC channel over the parts in order).</param>
    /// <param name="wordLines">How many word lines are driven; rows beyond get input code 0.</param>
    public EmulatedTc1(IAimcChip chip, DirectRigConfig config, EmulatedGpio gpio, Func<int, double> wordLineVolts, int wordLines)
        : base("TC1", Settings(config.RegisterSpi), SpiMode.Mode0)
    {
        if (chip is EmulatedChip emulator)
        {
            CheckAnalogOutputs(emulator, config.MacFullScale);
        }

        Chip = chip;
        _gpio = gpio;
        _doneLine = config.DoneLine;
        _wordLineVolts = wordLineVolts;
        _wordLines = Math.Min(wordLines, chip.Info.Rows);
        _inputStage = config.Inputs;
        _outputStage = config.Outputs;
        _macFullScale = config.MacFullScale;
        _rows = chip.Info.Rows;
        _cols = chip.Info.Cols;
        _targets = new float[_rows * _cols];
        _mask = new bool[_rows * _cols];
        Array.Fill(_mask, true);
        _outputs = new double[_cols];
        Array.Fill(_outputs, _outputStage.MidVolts);
        gpio.Drive(_doneLine, PinValue.Low);
        gpio.Listen(config.StartLine, OnStart);
    }

    public IAimcChip Chip { get; }

    /// <summary>TC1's outputs are analog: an emulated chip behind it must have one analog value per output, and an
    /// analog full scale (its <c>adc.range_mac</c>, the swing its column circuits and integrator rails are designed
    /// for) that covers the output buffers' (<c>direct.mac_full_scale</c>): a value the chip clipped inside the buffers'
    /// span would reach the board's ADCs as a valid reading, and no host could count it as saturated.</summary>
    private static void CheckAnalogOutputs(EmulatedChip chip, double macFullScale)
    {
        if (chip.Physics.Phases != 1 || chip.Physics.ConversionsPerOutput != 1)
        {
            throw new AimcException($"emulated direct rig: TC1's column outputs are analog (output buffers into the board's ADCs), and the chip's {SnakeCase.Of(chip.Preset.Domain)} domain digitizes every input and weight bit on chip: its outputs exist only as ADC codes; wire a chip whose domain has one analog output per column");
        }

        var chipFullScale = chip.Info.MacFullScale;
        if (chipFullScale < macFullScale * (1 - 1e-12))
        {
            throw new AimcException($"emulated direct rig: the chip's analog outputs span ±{chipFullScale:g6} MAC (chip.adc.range_mac) and the output buffers ±{macFullScale:g6} MAC (direct.mac_full_scale): an output the chip clips inside the buffers' span would read as a valid value; set chip.adc.range_mac to at least {macFullScale:g6} or direct.mac_full_scale to at most {chipFullScale:g6}");
        }
    }

    /// <summary>The TILE register.</summary>
    public int Tile { get; private set; }

    /// <summary>What the last PROGRAM did (null before one).</summary>
    public ProgrammingReport? LastReport { get; private set; }

    /// <summary>The last PROGRAM's unconverged weights as a grid (1 = missed), for the UNCONVERGED row reads.</summary>
    private Grid<int>? _unconverged;

    /// <summary>The device states the last READBACK latched (null before one).</summary>
    public DeviceStates? Latched { get; private set; }

    /// <summary>The input codes the last compute sampled from the word lines.</summary>
    public IReadOnlyList<int> LastInputCodes => _lastInputs;

    /// <summary>The MAC value of every column the last compute presented to the output buffers, before they clip
    /// (empty before the first compute).</summary>
    public IReadOnlyList<double> LastMac => _lastMac;

    /// <summary>Column outputs the output buffers clipped at a rail (mid ± half span), over all computes.</summary>
    public long BufferClippedOutputs { get; private set; }

    /// <summary>Column outputs the chip's own analog chain clipped (integrator rails) before the buffers, over all computes.</summary>
    public long ChipClippedOutputs { get; private set; }

    /// <summary>MVMs computed on START.</summary>
    public long Computes { get; private set; }

    /// <summary>The CELL register: the device pair PULSE and VERIFY address on tile TILE.</summary>
    public (int Row, int Col) Cell
    {
        get
        {
            lock (_state)
            {
                return (_cellRow, _cellCol);
            }
        }
    }

    /// <summary>PULSE writes the chip accepted.</summary>
    public long Pulses { get; private set; }

    /// <summary>Commands run (PROGRAM, CLEAR_MASK, READBACK).</summary>
    public long Commands { get; private set; }

    /// <summary>STATUS as a read would return it, without clearing anything.</summary>
    public byte Status
    {
        get
        {
            lock (_state)
            {
                return _status;
            }
        }
    }

    /// <summary>The voltage on column <paramref name="column"/>'s output pin (mid-rail before the first compute).</summary>
    public double OutputVolts(int column)
    {
        lock (_state)
        {
            return (uint)column < (uint)_cols ? _outputs[column] : _outputStage.MidVolts;
        }
    }

    private static SpiConnectionSettings Settings(SpiBusConfig spi) =>
        new(spi.Bus, spi.ChipSelect) { Mode = (SpiMode)spi.Mode, ClockFrequency = spi.ClockHz };

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        lock (_state)
        {
            if (mosi.Length >= 2 && mosi[0] == WriteInstruction)
            {
                WriteRegister(mosi[1], mosi[2..]);
            }
            else if (mosi.Length >= 3 && mosi[0] == ReadInstruction)
            {
                ReadRegister(mosi[1], miso[3..]);
            }
            else
            {
                // Not an instruction the interface knows (or a frame too short for one).
                _status |= StatusError;
            }
        }
    }

    private void WriteRegister(byte register, ReadOnlySpan<byte> data)
    {
        var accepted = register switch
        {
            0x10 => data.Length == 1 && SetTile(data[0]),
            0x11 => data.Length == 2 && SetRow(BinaryPrimitives.ReadUInt16BigEndian(data)),
            0x12 => data.Length == 2 * _cols && WriteTargets(data),
            0x13 => data.Length == (_cols + 7) / 8 && WriteMask(data),
            0x14 => data.Length == 4 && Configure(data),
            0x15 => data.Length == 4 && SetCell(BinaryPrimitives.ReadUInt16BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data[2..])),
            0x16 => data.Length == 5 && Pulse(data[0], BinaryPrimitives.ReadInt16BigEndian(data[1..]), BinaryPrimitives.ReadUInt16BigEndian(data[3..])),
            0x20 => data.Length == 1 && Command(data[0]),
            0x30 => data.Length == 2 && SetReportRow(BinaryPrimitives.ReadUInt16BigEndian(data)),
            0x40 => data.Length == 1 && SetArray(data[0]),
            _ => false,
        };
        if (!accepted)
        {
            _status |= StatusError;
        }
    }

    private bool SetTile(int tile)
    {
        if (tile >= Chip.Info.Tiles)
        {
            return false;
        }

        Tile = tile;
        return true;
    }

    private bool SetRow(int row)
    {
        if (row >= _rows)
        {
            return false;
        }

        _row = row;
        return true;
    }

    private bool SetReportRow(int row)
    {
        if (row >= _rows)
        {
            return false;
        }

        _reportRow = row;
        return true;
    }

    private bool SetCell(int row, int col)
    {
        if (row >= _rows || col >= _cols)
        {
            return false;
        }

        (_cellRow, _cellCol) = (row, col);
        return true;
    }

    /// <summary>One pulse on device <paramref name="array"/> of cell CELL of tile TILE; completes at once, like
    /// CLEAR_MASK, so it touches neither DONE nor the DONE line.</summary>
    private bool Pulse(int array, short amplitudeMillivolts, ushort widthNanoseconds)
    {
        if (Chip is not EmulatedChip chip || array >= chip.Physics.Encoding.ArrayNames.Count)
        {
            return false;
        }

        try
        {
            chip.ApplyPulse(Tile, array, _cellRow, _cellCol, amplitudeMillivolts / 1000.0, widthNanoseconds * 1e-9);
        }
        catch (AimcException)
        {
            return false;
        }

        Pulses++;
        return true;
    }

    private bool SetArray(int array)
    {
        _array = array;
        return true;
    }

    private bool WriteTargets(ReadOnlySpan<byte> data)
    {
        if (_row >= _rows)
        {
            return false;
        }

        for (var j = 0; j < _cols; j++)
        {
            if (BinaryPrimitives.ReadInt16BigEndian(data[(2 * j)..]) == short.MinValue)
            {
                return false;
            }
        }

        for (var j = 0; j < _cols; j++)
        {
            _targets[(_row * _cols) + j] = BinaryPrimitives.ReadInt16BigEndian(data[(2 * j)..]) / 32767f;
        }

        _row++;
        return true;
    }

    private bool WriteMask(ReadOnlySpan<byte> data)
    {
        if (_row >= _rows)
        {
            return false;
        }

        for (var j = 0; j < _cols; j++)
        {
            _mask[(_row * _cols) + j] = (data[j / 8] >> (j % 8) & 1) != 0;
        }

        return true;
    }

    private bool Configure(ReadOnlySpan<byte> data)
    {
        if (data[1] == 0)
        {
            return false;
        }

        _verify = data[0] != 0;
        _maxPulses = data[1];
        _tolerance = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return true;
    }

    private bool Command(byte command)
    {
        if ((_status & StatusBusy) != 0 || command is < 1 or > 3)
        {
            return false;
        }

        Commands++;
        if (command == 0x02)
        {
            Array.Fill(_mask, true);
            return true;
        }

        _gpio.Drive(_doneLine, PinValue.Low);
        var ok = true;
        try
        {
            if (command == 0x01)
            {
                Program();
            }
            else
            {
                Latched = Chip.ReadBack(Tile);
            }
        }
        catch (AimcException)
        {
            // The chip refused (e.g. a target it cannot hold): the command ends, flagged.
            ok = false;
        }

        _status |= StatusDone;
        _gpio.Drive(_doneLine, PinValue.High);
        return ok;
    }

    private void Program()
    {
        var targets = new Grid<float>(_rows, _cols, (float[])_targets.Clone());
        var only = Array.TrueForAll(_mask, m => m) ? null : new Grid<bool>(_rows, _cols, (bool[])_mask.Clone());
        var options = new WriteVerifyOptions(_verify, _tolerance / 65535.0, _maxPulses);
        LastReport = Chip.Program(Tile, targets, options, only);
        _unconverged = new Grid<int>(_rows, _cols);
        foreach (var cell in LastReport.Unconverged)
        {
            _unconverged[cell.Row, cell.Col] = 1;
        }
    }

    private void ReadRegister(byte register, Span<byte> data)
    {
        switch (register)
        {
            case 0x00:
                Put(data, 0, Id);
                break;
            case 0x01:
                Put(data, 0, (ushort)_rows);
                Put(data, 2, (ushort)_cols);
                PutByte(data, 4, Chip.Info.Tiles);
                PutByte(data, 5, Chip.Info.DacBits);
                break;
            case 0x02:
                PutByte(data, 0, _status);
                if (!data.IsEmpty)
                {
                    _status &= StatusBusy;
                }

                break;
            case 0x17:
                if (Chip is EmulatedChip chip && _array < chip.Physics.Encoding.ArrayNames.Count && !data.IsEmpty)
                {
                    Put(data, 0, State16(chip.ReadDevice(Tile, _array, _cellRow, _cellCol)));
                }

                break;
            case 0x31:
                ReportRow(data, LastReport?.Achieved, 2, Q15);
                break;
            case 0x32:
                ReportRow(data, LastReport?.Pulses, 1, p => Math.Min(p, 255));
                break;
            case 0x33:
                if (LastReport is { } report)
                {
                    Put32(data, 0, (uint)Math.Min(report.TotalPulses, uint.MaxValue));
                    Put32(data, 4, (uint)report.Unconverged.Count);
                }

                break;
            case 0x34:
                ReportRow(data, LastReport?.Representable, 2, Q15);
                break;
            case 0x35:
                UnconvergedRow(data);
                break;
            case 0x41:
                var states = Latched is { } latched && _array < latched.Arrays.Count ? latched.Arrays[_array].States : null;
                ReportRow(data, states, 2, s => State16(s));
                break;
        }
    }

    /// <summary>A normalized device state as state / full scale × 65535, clamped to [0, 1].</summary>
    private static ushort State16(float state) => (ushort)Math.Round(Math.Clamp(state, 0f, 1f) * 65535.0);

    private static int Q15(float weight) => (int)Math.Round(Math.Clamp(weight, -1f, 1f) * 32767.0);

    /// <summary>UNCONVERGED: one bit per weight of row REPORT_ROW (as ROW_MASK lays them out) for the weights the last
    /// PROGRAM left out of tolerance; REPORT_ROW advances.</summary>
    private void UnconvergedRow(Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_unconverged is { } missed && _reportRow < _rows)
        {
            for (var j = 0; j < _cols && j / 8 < data.Length; j++)
            {
                if (missed[_reportRow, j] != 0)
                {
                    data[j / 8] |= (byte)(1 << (j % 8));
                }
            }
        }

        _reportRow++;
    }

    /// <summary>One row of a report grid at REPORT_ROW, each value as a big-endian field of <paramref name="width"/>
    /// bytes; REPORT_ROW advances whether or not there is a report to read.</summary>
    private void ReportRow<T>(Span<byte> data, Grid<T>? grid, int width, Func<T, int> encode)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (grid is not null && _reportRow < grid.Rows)
        {
            for (var j = 0; j < Math.Min(grid.Cols, _cols); j++)
            {
                var value = encode(grid[_reportRow, j]);
                if (width == 2)
                {
                    Put(data, 2 * j, (ushort)value);
                }
                else
                {
                    PutByte(data, j, value);
                }
            }
        }

        _reportRow++;
    }

    private static void PutByte(Span<byte> data, int at, int value)
    {
        if (at < data.Length)
        {
            data[at] = (byte)value;
        }
    }

    private static void Put(Span<byte> data, int at, ushort value)
    {
        PutByte(data, at, value >> 8);
        PutByte(data, at + 1, value);
    }

    private static void Put32(Span<byte> data, int at, uint value)
    {
        Put(data, at, (ushort)(value >> 16));
        Put(data, at + 2, (ushort)value);
    }

    private void OnStart(PinEventTypes edge)
    {
        lock (_state)
        {
            if (edge == PinEventTypes.Falling)
            {
                _gpio.Drive(_doneLine, PinValue.Low);
                return;
            }

            // DONE may still be high from a command: it falls first, so the host sees this compute's rising edge.
            _gpio.Drive(_doneLine, PinValue.Low);
            Compute();
            _status |= StatusDone;
            _gpio.Drive(_doneLine, PinValue.High);
        }
    }

    private void Compute()
    {
        var xMax = Chip.Info.InputCodeMax;
        var codes = new int[_rows];
        for (var i = 0; i < _wordLines; i++)
        {
            var x = Math.Round((_wordLineVolts(i) - _inputStage.MidVolts) / _inputStage.HalfSpanVolts * xMax);
            codes[i] = (int)Math.Clamp(x, -xMax, xMax);
        }

        _lastInputs = codes;
        try
        {
            var inputs = new Grid<int>(1, _rows, codes);
            var mac = new double[_cols];
            if (Chip is EmulatedChip emulator)
            {
                // The chip's analog outputs, before any column ADC: TC1 has none, its buffers drive the board's ADCs.
                var analog = emulator.MvmAnalog(Tile, inputs);
                for (var j = 0; j < _cols; j++)
                {
                    mac[j] = analog.Mac[0, j];
                }

                ChipClippedOutputs += analog.ClippedOutputs;
            }
            else
            {
                // A chip behind the contract only gives codes: present what they stand for.
                var result = Chip.Mvm(Tile, inputs);
                for (var j = 0; j < _cols; j++)
                {
                    mac[j] = result.ToMac(0, j);
                }
            }

            _lastMac = mac;
            var half = _outputStage.HalfSpanVolts;
            for (var j = 0; j < _cols; j++)
            {
                var swing = mac[j] / _macFullScale * half;
                if (swing > half || swing < -half)
                {
                    BufferClippedOutputs++;
                }

                _outputs[j] = _outputStage.MidVolts + Math.Clamp(swing, -half, half);
            }

            Computes++;
        }
        catch (AimcException)
        {
            _status |= StatusError;
        }
    }
}
