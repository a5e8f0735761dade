using System.Buffers.Binary;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The host side of TC1's register interface (hil-rigs/direct-tc1.md): one SPI message per register access,
/// writes <c>02 reg data…</c>, reads <c>03 reg 00</c> then a zero byte per data byte, multi-byte fields big-endian,
/// weights as Q15.</summary>
public sealed class Tc1Registers
{
    /// <summary>The ID register of a TC1 speaking interface version 1.</summary>
    public const ushort ExpectedId = 0x7C01;

    public const byte WriteOpcode = 0x02;

    public const byte ReadOpcode = 0x03;

    /// <summary>Largest Q15 magnitude; −32768 is refused by the chip, so the scale is symmetric.</summary>
    public const int Q15Max = 32767;

    /// <summary>Opcode, register and turnaround byte clocked before a read's data.</summary>
    private const int ReadHeader = 3;

    private readonly SpiDevice _spi;

    public Tc1Registers(SpiDevice spi)
    {
        _spi = spi;
        Name = $"TC1 on {spi.ConnectionSettings.DevicePath}";
    }

    /// <summary>The chip and where it sits, for messages, e.g. "TC1 on /dev/spidev0.0".</summary>
    public string Name { get; }

    public SpiDevice Spi => _spi;

    /// <summary>A weight in [−1, 1] as Q15: round(w × 32767), clamped to ±32767.</summary>
    public static short ToQ15(double weight)
    {
        if (double.IsNaN(weight))
        {
            throw new ArgumentException("a weight target is NaN", nameof(weight));
        }

        return (short)Math.Clamp(Math.Round(weight * Q15Max, MidpointRounding.AwayFromZero), -Q15Max, Q15Max);
    }

    public static float FromQ15(short value) => value / (float)Q15Max;

    public ushort ReadId() => BinaryPrimitives.ReadUInt16BigEndian(Read(Tc1Register.Id, 2));

    /// <summary>Reads ID and refuses anything but a TC1 with interface version 1.</summary>
    public void CheckId()
    {
        var id = ReadId();
        if (id != ExpectedId)
        {
            var settings = _spi.ConnectionSettings;
            throw new AimcException($"{Name}: ID reads 0x{id:X4}, expected 0x{ExpectedId:X4}: is the chip powered and on chip select {settings.ChipSelectLine}?");
        }
    }

    public Tc1Geometry ReadGeometry()
    {
        var data = Read(Tc1Register.Geometry, 6);
        return new Tc1Geometry(BinaryPrimitives.ReadUInt16BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2)), data[4], data[5]);
    }

    /// <summary>Reads STATUS, which clears its latched DONE and ERROR bits.</summary>
    public Tc1Status ReadStatus() => (Tc1Status)Read(Tc1Register.Status, 1)[0];

    public void WriteTile(int tile) => Write(Tc1Register.Tile, [Byte(tile, "tile")]);

    public void WriteRow(int row) => Write(Tc1Register.Row, U16(row, "row"));

    /// <summary>The Q15 targets of row ROW (as many as the tile has columns); the chip then advances ROW.</summary>
    public void WriteRowTargets(ReadOnlySpan<float> weights)
    {
        var data = new byte[2 * weights.Length];
        for (var j = 0; j < weights.Length; j++)
        {
            BinaryPrimitives.WriteInt16BigEndian(data.AsSpan(2 * j), ToQ15(weights[j]));
        }

        Write(Tc1Register.RowTargets, data);
    }

    /// <summary>Which cells of row ROW the next PROGRAM writes: column j is bit j mod 8 of byte j / 8.</summary>
    public void WriteRowMask(ReadOnlySpan<bool> cells)
    {
        var data = new byte[(cells.Length + 7) / 8];
        for (var j = 0; j < cells.Length; j++)
        {
            if (cells[j])
            {
                data[j / 8] |= (byte)(1 << (j % 8));
            }
        }

        Write(Tc1Register.RowMask, data);
    }

    /// <summary>PROGRAM_CONFIG from write-verify options: verify flag, pulse budget per device (1..255), tolerance as
    /// a fraction of the device range × 65535.</summary>
    public void WriteProgramConfig(WriteVerifyOptions options)
    {
        if (options.MaxPulsesPerCell is < 1 or > byte.MaxValue)
        {
            throw new AimcException($"{Name}: {options.MaxPulsesPerCell} pulses per device: TC1 takes 1 to 255; lower the write-verify pulse budget");
        }

        if (!(options.Tolerance >= 0 && options.Tolerance <= 1))
        {
            throw new AimcException($"{Name}: write-verify tolerance {options.Tolerance}: TC1 takes a fraction of the device range from 0 to 1");
        }

        var tolerance = (ushort)Math.Round(options.Tolerance * ushort.MaxValue, MidpointRounding.AwayFromZero);
        Write(Tc1Register.ProgramConfig, [(byte)(options.Enabled ? 1 : 0), (byte)options.MaxPulsesPerCell, (byte)(tolerance >> 8), (byte)tolerance]);
    }

    /// <summary>CELL: the cell (row, column) of tile TILE that PULSE and VERIFY address.</summary>
    public void WriteCell(int row, int col) => Write(Tc1Register.Cell, [.. U16(row, "cell row"), .. U16(col, "cell column")]);

    /// <summary>PULSE: one programming pulse on device <paramref name="array"/> (0 = G+, 1 = G−, …) of cell CELL,
    /// amplitude rounded to the register's millivolts (signed: positive moves the state up), width to its nanoseconds.</summary>
    public void Pulse(int array, double amplitudeVolts, double widthSeconds)
    {
        var millivolts = Math.Round(amplitudeVolts * 1000, MidpointRounding.AwayFromZero);
        if (!(millivolts >= short.MinValue && millivolts <= short.MaxValue))
        {
            throw new AimcException($"{Name}: pulse amplitude {amplitudeVolts} V: TC1 takes −32.768 V to 32.767 V in millivolts");
        }

        var nanoseconds = Math.Round(widthSeconds * 1e9, MidpointRounding.AwayFromZero);
        if (!(nanoseconds >= 0 && nanoseconds <= ushort.MaxValue))
        {
            throw new AimcException($"{Name}: pulse width {widthSeconds} s: TC1 takes 0 to 65535 ns");
        }

        var data = new byte[5];
        data[0] = Byte(array, "device array");
        BinaryPrimitives.WriteInt16BigEndian(data.AsSpan(1), (short)millivolts);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(3), (ushort)nanoseconds);
        Write(Tc1Register.Pulse, data);
    }

    /// <summary>VERIFY: a single-device read of device ARRAY of cell CELL, as state / full scale in [0, 1].</summary>
    public float ReadVerify() => BinaryPrimitives.ReadUInt16BigEndian(Read(Tc1Register.Verify, 2)) / (float)ushort.MaxValue;

    public void Command(Tc1Command command) => Write(Tc1Register.Command, [(byte)command]);

    public void WriteReportRow(int row) => Write(Tc1Register.ReportRow, U16(row, "report row"));

    /// <summary>ACHIEVED of row REPORT_ROW into <paramref name="weights"/> (one per column); REPORT_ROW advances.</summary>
    public void ReadAchieved(Span<float> weights) => ReadQ14(Tc1Register.Achieved, weights);

    /// <summary>REPRESENTABLE of row REPORT_ROW into <paramref name="weights"/>; REPORT_ROW advances.</summary>
    public void ReadRepresentable(Span<float> weights) => ReadQ14(Tc1Register.Representable, weights);

    /// <summary>PULSES of row REPORT_ROW (saturating at 255 per weight); REPORT_ROW advances.</summary>
    public void ReadPulses(Span<int> pulses)
    {
        var data = Read(Tc1Register.Pulses, pulses.Length);
        for (var j = 0; j < pulses.Length; j++)
        {
            pulses[j] = data[j];
        }
    }

    /// <summary>UNCONVERGED of row REPORT_ROW: which weights the last PROGRAM left out of tolerance; REPORT_ROW advances.</summary>
    public void ReadUnconverged(Span<bool> missed)
    {
        var data = Read(Tc1Register.Unconverged, (missed.Length + 7) / 8);
        for (var j = 0; j < missed.Length; j++)
        {
            missed[j] = (data[j / 8] & (1 << (j % 8))) != 0;
        }
    }

    public Tc1Totals ReadProgramTotals()
    {
        var data = Read(Tc1Register.ProgramTotals, 8);
        return new Tc1Totals(BinaryPrimitives.ReadUInt32BigEndian(data), BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)));
    }

    public void WriteArray(int array) => Write(Tc1Register.Array, [Byte(array, "array")]);

    /// <summary>READBACK_ROW of row REPORT_ROW of array ARRAY, as state / full scale in [0, 1]; REPORT_ROW advances.</summary>
    public void ReadReadbackRow(Span<float> states)
    {
        var data = Read(Tc1Register.ReadbackRow, 2 * states.Length);
        for (var j = 0; j < states.Length; j++)
        {
            states[j] = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2 * j)) / (float)ushort.MaxValue;
        }
    }

    /// <summary>One write transaction: <c>02 reg data…</c>.</summary>
    public void Write(Tc1Register register, ReadOnlySpan<byte> data)
    {
        var frame = new byte[2 + data.Length];
        frame[0] = WriteOpcode;
        frame[1] = (byte)register;
        data.CopyTo(frame.AsSpan(2));
        _spi.Write(frame);
    }

    /// <summary>One read transaction: <c>03 reg 00</c> and a zero per byte wanted; returns the data bytes.</summary>
    public byte[] Read(Tc1Register register, int length)
    {
        var tx = new byte[ReadHeader + length];
        tx[0] = ReadOpcode;
        tx[1] = (byte)register;
        var rx = new byte[tx.Length];
        _spi.TransferFullDuplex(tx, rx);
        return rx[ReadHeader..];
    }

    private void ReadQ14(Tc1Register register, Span<float> weights)
    {
        var data = Read(register, 2 * weights.Length);
        for (var j = 0; j < weights.Length; j++)
        {
            weights[j] = FromQ15(BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(2 * j)));
        }
    }

    private byte Byte(int value, string what) =>
        value is >= 0 and <= byte.MaxValue ? (byte)value : throw new ArgumentOutOfRangeException(what, value, $"{Name}: {what} {value} does not fit the register's byte");

    private byte[] U16(int value, string what) =>
        value is >= 0 and <= ushort.MaxValue ? [(byte)(value >> 8), (byte)value] : throw new ArgumentOutOfRangeException(what, value, $"{Name}: {what} {value} does not fit the register's 16 bits");
}
