using System.Device.Gpio;
using System.Device.I2c;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An ADS1115 at register level on I2C: a pointer register selecting conversion (0x00), config (0x01),
/// Lo_thresh (0x02) and Hi_thresh (0x03); a write of the pointer alone selects, a write of pointer + 2 bytes writes;
/// a read returns the selected register, MSB first.</summary>
/// <remarks>Writing OS = 1 in single-shot mode converts the multiplexer's input at once, code = round(VIN / FS × 32768)
/// clamped, FS from the PGA field; OS reads 1 when idle. In continuous mode (MODE = 0) every conversion-register read
/// sees a fresh conversion. With <c>readyLine</c> wired and the conversion-ready pattern in the thresholds (Hi_thresh
/// MSB 1, Lo_thresh MSB 0) and COMP_QUE ≠ 11, ALERT/RDY goes high when a single shot starts and low when it ends (the
/// pin's active-low assertion with COMP_POL = 0).</remarks>
public sealed class EmulatedAds1115 : I2cTransactionDevice
{
    private readonly Func<int, double> _inputs;
    private readonly EmulatedGpio? _gpio;
    private readonly int _readyLine;
    private readonly ushort[] _registers = [0x0000, 0x8583, 0x8000, 0x7FFF];
    private int _pointer;

    public EmulatedAds1115(I2cConnectionSettings settings, Func<int, double> inputs, EmulatedGpio? gpio = null, int readyLine = -1)
    {
        ConnectionSettings = settings;
        _inputs = inputs;
        _gpio = gpio;
        _readyLine = readyLine;
        if (gpio is not null && readyLine >= 0)
        {
            // ALERT/RDY is open drain: the pull-up holds it high while the part does not assert it.
            gpio.Drive(readyLine, PinValue.High);
        }
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    public long Conversions { get; private set; }

    /// <summary>Register <paramref name="pointer"/> (0..3) as the part holds it.</summary>
    public ushort Register(int pointer) => _registers[pointer];

    /// <summary>The code a conversion of <paramref name="volts"/> gives with the configured PGA.</summary>
    public int ToCode(double volts) => (int)Math.Clamp(Math.Round(volts / FullScaleVolts * 32768), short.MinValue, short.MaxValue);

    private double FullScaleVolts => (_registers[1] >> 9 & 7) switch
    {
        0 => 6.144,
        1 => 4.096,
        2 => 2.048,
        3 => 1.024,
        4 => 0.512,
        _ => 0.256,
    };

    protected override void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read)
    {
        lock (_registers)
        {
            if (write.Length >= 1)
            {
                _pointer = write[0] & 3;
            }

            if (write.Length >= 3)
            {
                Store(_pointer, (ushort)(write[1] << 8 | write[2]));
            }

            if (_pointer == 0 && !read.IsEmpty && (_registers[1] & 0x0100) == 0)
            {
                Convert();
            }

            for (var k = 0; k < read.Length; k++)
            {
                // Reads past the two bytes repeat the register, as the part's auto-increment does not exist.
                var value = _registers[_pointer];
                read[k] = (byte)((k & 1) == 0 ? value >> 8 : value);
            }
        }
    }

    private void Store(int pointer, ushort value)
    {
        if (pointer != 1)
        {
            if (pointer != 0)
            {
                _registers[pointer] = value; // the conversion register is read-only
            }

            return;
        }

        // OS reads back as "not converting", whatever was written.
        _registers[1] = (ushort)(value | 0x8000);
        var singleShot = (value & 0x0100) != 0;
        if ((value & 0x8000) != 0 && singleShot)
        {
            var ready = ReadyPinActive;
            if (ready)
            {
                _gpio!.Drive(_readyLine, PinValue.High);
            }

            Convert();
            if (ready)
            {
                _gpio!.Drive(_readyLine, PinValue.Low);
            }
        }
    }

    private bool ReadyPinActive =>
        _gpio is not null && _readyLine >= 0 && (_registers[1] & 3) != 3 && (_registers[3] & 0x8000) != 0 && (_registers[2] & 0x8000) == 0;

    private void Convert()
    {
        var mux = _registers[1] >> 12 & 7;
        var volts = mux switch
        {
            0 => _inputs(0) - _inputs(1),
            1 => _inputs(0) - _inputs(3),
            2 => _inputs(1) - _inputs(3),
            3 => _inputs(2) - _inputs(3),
            _ => _inputs(mux - 4),
        };
        _registers[0] = (ushort)(short)ToCode(volts);
        Conversions++;
    }
}
