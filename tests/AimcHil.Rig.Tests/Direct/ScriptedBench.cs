using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using System.Buffers.Binary;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>A direct rig for DirectChip tests, built on the recording fakes: a scripted TC1 (registers kept in memory,
/// DONE raised on PROGRAM and while START is high), DACs that only record, and ADCs that read the volts the test puts
/// on each column.</summary>
internal sealed class ScriptedBench : IDirectBuses
{
    private readonly DirectRigConfig _config;
    private readonly Dictionary<(int Bus, int Cs), (ConverterConfig Part, int FirstCol)> _adcs = [];
    private short[] _targets;
    private short[] _programmed;
    private bool[] _mask;
    private int _row;
    private int _reportRow;
    private int _array;
    private byte _status;

    public ScriptedBench(DirectRigConfig config, Tc1Geometry geometry)
    {
        _config = config;
        Geometry = geometry;
        _targets = new short[geometry.Rows * geometry.Cols];
        _programmed = new short[_targets.Length];
        _mask = new bool[_targets.Length];
        var col = 0;
        foreach (var part in config.Outputs.Adcs)
        {
            _adcs[(part.Bus, part.ChipSelect)] = (part, col);
            col += part.ChannelsUsed ?? 8;
        }

        Fake.OutputWritten += OnOutput;
    }

    public Tc1Geometry Geometry { get; }

    public ushort Id { get; set; } = Tc1Registers.ExpectedId;

    /// <summary>False: DONE never rises (a broken wire).</summary>
    public bool DoneAnswers { get; set; } = true;

    /// <summary>The weights UNCONVERGED marks; PROGRAM_TOTALS counts them unless <see cref="UnconvergedCount"/> says otherwise.</summary>
    public IReadOnlyList<CellAddress> Unconverged { get; set; } = [];

    /// <summary>The unconverged count PROGRAM_TOTALS reports (null: as many as <see cref="Unconverged"/> marks).</summary>
    public uint? UnconvergedCount { get; set; }

    /// <summary>Amount subtracted from every achieved weight, in Q15 steps, per column index (to make misses).</summary>
    public Func<int, int, short> AchievedMiss { get; set; } = (_, _) => 0;

    /// <summary>The volts on each column's output pin.</summary>
    public Func<int, double> ColumnVolts { get; set; } = _ => 0;

    public RecordingGpioDriver Fake { get; } = new();

    public GpioController Gpio => Fake.Controller;

    public RecordingSpiDevice? Tc1 { get; private set; }

    public List<RecordingSpiDevice> Dacs { get; } = [];

    public List<RecordingSpiDevice> Adcs { get; } = [];

    public bool Disposed { get; private set; }

    public SpiMessageDevice Spi(SpiBusConfig device)
    {
        var spi = new RecordingSpiDevice(new SpiConnectionSettings(device.Bus, device.ChipSelect) { Mode = (SpiMode)device.Mode, ClockFrequency = device.ClockHz });
        if (device.Bus == _config.RegisterSpi.Bus && device.ChipSelect == _config.RegisterSpi.ChipSelect)
        {
            spi.Responder = Register;
            Tc1 = spi;
        }
        else if (_adcs.TryGetValue((device.Bus, device.ChipSelect), out var adc))
        {
            spi.Responder = written => Convert(adc.Part, adc.FirstCol, written);
            Adcs.Add(spi);
        }
        else
        {
            Dacs.Add(spi);
        }

        return spi;
    }

    public I2cTransactionDevice I2c(int bus, int address) => new RecordingI2cDevice(new I2cConnectionSettings(bus, address));

    public void Dispose() => Disposed = true;

    private void OnOutput(int pin, PinValue value)
    {
        if (pin == _config.StartLine && DoneAnswers)
        {
            Fake.SetInput(_config.DoneLine, value);
        }

        foreach (var part in _config.Outputs.Adcs.Where(p => p.ConvstLine == pin && value == PinValue.High))
        {
            Fake.SetInput(part.BusyLine!.Value, PinValue.High);
            Fake.SetInput(part.BusyLine!.Value, PinValue.Low);
        }
    }

    private byte[]? Convert(ConverterConfig part, int firstCol, byte[] written)
    {
        var answer = new byte[written.Length];
        if (ConverterParts.Silicon(part.Part) == "mcp3008")
        {
            var channel = (written[1] >> 4) & 7;
            var code = (int)Math.Clamp(Math.Round(ColumnVolts(firstCol + channel) / part.ReferenceVolts * 1024), 0, 1023);
            answer[1] = (byte)(code >> 8);
            answer[2] = (byte)code;
        }
        else if (part.Part == "ad7606")
        {
            for (var ch = 0; ch < written.Length / 2; ch++)
            {
                var code = (short)Math.Clamp(Math.Round(ColumnVolts(firstCol + ch) / part.RangeVolts * 32768), short.MinValue, short.MaxValue);
                BinaryPrimitives.WriteInt16BigEndian(answer.AsSpan(2 * ch), code);
            }
        }

        return answer;
    }

    private byte[]? Register(byte[] written)
    {
        var cols = Geometry.Cols;
        var register = (Tc1Register)written[1];
        if (written[0] == Tc1Registers.WriteOpcode)
        {
            var data = written.AsSpan(2);
            switch (register)
            {
                case Tc1Register.Row:
                    _row = BinaryPrimitives.ReadUInt16BigEndian(data);
                    break;
                case Tc1Register.RowTargets:
                    for (var j = 0; j < cols; j++)
                    {
                        _targets[(_row * cols) + j] = BinaryPrimitives.ReadInt16BigEndian(data[(2 * j)..]);
                    }

                    _row++;
                    break;
                case Tc1Register.RowMask:
                    for (var j = 0; j < cols; j++)
                    {
                        _mask[(_row * cols) + j] = (data[j / 8] >> (j % 8) & 1) == 1;
                    }

                    break;
                case Tc1Register.Command when data[0] == (byte)Tc1Command.ClearMask:
                    Array.Fill(_mask, true);
                    break;
                case Tc1Register.Command when data[0] == (byte)Tc1Command.Program:
                    for (var k = 0; k < _targets.Length; k++)
                    {
                        _programmed[k] = _mask[k] ? _targets[k] : _programmed[k];
                    }

                    _status = (byte)Tc1Status.Done;
                    if (DoneAnswers)
                    {
                        Fake.SetInput(_config.DoneLine, PinValue.High);
                        Fake.SetInput(_config.DoneLine, PinValue.Low);
                    }

                    break;
                case Tc1Register.ReportRow:
                    _reportRow = BinaryPrimitives.ReadUInt16BigEndian(data);
                    break;
                case Tc1Register.Array:
                    _array = data[0];
                    break;
            }

            return null;
        }

        var answer = new byte[written.Length];
        var output = answer.AsSpan(3);
        switch (register)
        {
            case Tc1Register.Id:
                BinaryPrimitives.WriteUInt16BigEndian(output, Id);
                break;
            case Tc1Register.Geometry:
                BinaryPrimitives.WriteUInt16BigEndian(output, (ushort)Geometry.Rows);
                BinaryPrimitives.WriteUInt16BigEndian(output[2..], (ushort)Geometry.Cols);
                output[4] = (byte)Geometry.Tiles;
                output[5] = (byte)Geometry.InputBits;
                break;
            case Tc1Register.Status:
                output[0] = _status;
                _status = 0;
                break;
            case Tc1Register.Achieved or Tc1Register.Representable:
                for (var j = 0; j < cols; j++)
                {
                    var miss = register == Tc1Register.Achieved ? AchievedMiss(_reportRow, j) : 0;
                    BinaryPrimitives.WriteInt16BigEndian(output[(2 * j)..], (short)(_programmed[(_reportRow * cols) + j] - miss));
                }

                _reportRow++;
                break;
            case Tc1Register.Pulses:
                for (var j = 0; j < cols; j++)
                {
                    output[j] = (byte)(j + 1);
                }

                _reportRow++;
                break;
            case Tc1Register.Unconverged:
                foreach (var cell in Unconverged.Where(c => c.Row == _reportRow))
                {
                    output[cell.Col / 8] |= (byte)(1 << (cell.Col % 8));
                }

                _reportRow++;
                break;
            case Tc1Register.ProgramTotals:
                BinaryPrimitives.WriteUInt32BigEndian(output, (uint)(Geometry.Rows * cols * 2));
                BinaryPrimitives.WriteUInt32BigEndian(output[4..], UnconvergedCount ?? (uint)Unconverged.Count);
                break;
            case Tc1Register.ReadbackRow:
                for (var j = 0; j < cols; j++)
                {
                    var w = _programmed[(_reportRow * cols) + j] / 32767.0;
                    var state = _array == 0 ? Math.Max(w, 0) : Math.Max(-w, 0);
                    BinaryPrimitives.WriteUInt16BigEndian(output[(2 * j)..], (ushort)Math.Round(state * 65535));
                }

                _reportRow++;
                break;
        }

        return answer;
    }
}
