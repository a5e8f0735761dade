using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>TC1's register interface as golden bytes (hil-rigs/direct-tc1.md): one chip-select frame per access, writes
/// 02 reg data, reads 03 reg 00 then a zero per byte, big-endian fields, Q15 = round(w × 32767).</summary>
public sealed class Tc1RegistersTests : IDisposable
{
    private readonly RecordingSpiDevice _spi = new(new SpiConnectionSettings(0, 0));

    private Tc1Registers Tc1 => new(_spi);

    public void Dispose() => _spi.Dispose();

    [Fact]
    public void ReadingIdSendsTheReadOpcodeTurnaroundAndTwoZeros()
    {
        _spi.EnqueueResponse(0xFF, 0xFF, 0xFF, 0x7C, 0x01);

        var id = Tc1.ReadId();

        Assert.Equal(0x7C01, id);
        Assert.Equal([[0x03, 0x00, 0x00, 0x00, 0x00]], _spi.Frames);
        Assert.Single(_spi.Recorded);
    }

    [Fact]
    public void AWrongIdAsksWhetherTheChipIsPoweredAndSelected()
    {
        _spi.EnqueueResponse(0, 0, 0, 0, 0);

        var e = Assert.Throws<AimcException>(() => Tc1.CheckId());

        Assert.Equal("TC1 on /dev/spidev0.0: ID reads 0x0000, expected 0x7C01: is the chip powered and on chip select 0?", e.Message);
    }

    [Fact]
    public void RowTargetsAreBigEndianQ15()
    {
        Tc1.WriteRowTargets([1f, -1f, 0.5f, 0f]);

        Assert.Equal([[0x02, 0x12, 0x7F, 0xFF, 0x80, 0x01, 0x40, 0x00, 0x00, 0x00]], _spi.Frames);
    }

    [Theory]
    [InlineData(1.0, 32767)]
    [InlineData(-1.0, -32767)]
    [InlineData(0.5, 16384)]
    [InlineData(-0.5, -16384)]
    [InlineData(1e-5, 0)]
    [InlineData(2e-5, 1)]
    public void Q15IsRoundedAndSymmetric(double weight, short q15) => Assert.Equal(q15, Tc1Registers.ToQ15(weight));

    [Fact]
    public void GeometryIsRowsColsTilesAndInputBits()
    {
        _spi.EnqueueResponse(0, 0, 0, 0x00, 0x20, 0x00, 0x10, 0x02, 0x08);

        Assert.Equal(new Tc1Geometry(32, 16, 2, 8), Tc1.ReadGeometry());
        Assert.Equal([[0x03, 0x01, 0x00, 0, 0, 0, 0, 0, 0]], _spi.Frames);
    }

    [Fact]
    public void StatusBitsAreBusyDoneError()
    {
        _spi.EnqueueResponse(0, 0, 0, 0x06);

        Assert.Equal(Tc1Status.Done | Tc1Status.Error, Tc1.ReadStatus());
        Assert.Equal([[0x03, 0x02, 0x00, 0x00]], _spi.Frames);
    }

    [Fact]
    public void AddressingWritesAreOneFrameEach()
    {
        var tc1 = Tc1;
        tc1.WriteTile(1);
        tc1.WriteRow(0x0102);
        tc1.WriteReportRow(3);
        tc1.WriteArray(1);
        tc1.Command(Tc1Command.Program);
        tc1.Command(Tc1Command.ClearMask);
        tc1.Command(Tc1Command.Readback);

        Assert.Equal(
            [
                [0x02, 0x10, 0x01],
                [0x02, 0x11, 0x01, 0x02],
                [0x02, 0x30, 0x00, 0x03],
                [0x02, 0x40, 0x01],
                [0x02, 0x20, 0x01],
                [0x02, 0x20, 0x02],
                [0x02, 0x20, 0x03],
            ],
            _spi.Frames);
    }

    [Fact]
    public void RowMaskIsLsbFirstPerByte()
    {
        bool[] cells = [true, false, false, false, false, false, false, true, false, true];

        Tc1.WriteRowMask(cells);

        Assert.Equal([[0x02, 0x13, 0x81, 0x02]], _spi.Frames);
    }

    [Fact]
    public void ProgramConfigCarriesVerifyPulsesAndToleranceOf65535()
    {
        var tc1 = Tc1;
        tc1.WriteProgramConfig(WriteVerifyOptions.Default);
        tc1.WriteProgramConfig(WriteVerifyOptions.SinglePulse);

        // 0.02 × 65535 = 1310.7 → 1311 = 0x051F.
        Assert.Equal([[0x02, 0x14, 0x01, 0x14, 0x05, 0x1F], [0x02, 0x14, 0x00, 0x01, 0x00, 0x00]], _spi.Frames);
    }

    [Fact]
    public void APulseBudgetBeyondAByteIsRefusedWithTheRange()
    {
        var e = Assert.Throws<AimcException>(() => Tc1.WriteProgramConfig(new WriteVerifyOptions(true, 0.02, 300)));

        Assert.Equal("TC1 on /dev/spidev0.0: 300 pulses per device: TC1 takes 1 to 255; lower the write-verify pulse budget", e.Message);
        Assert.Empty(_spi.Recorded);
    }

    [Fact]
    public void ReportReadsDecodeQ15PulsesTotalsAndStates()
    {
        var tc1 = Tc1;
        _spi.EnqueueResponse(0, 0, 0, 0x7F, 0xFF, 0xC0, 0x00);
        _spi.EnqueueResponse(0, 0, 0, 0x03, 0xFF);
        _spi.EnqueueResponse(0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02);
        _spi.EnqueueResponse(0, 0, 0, 0xFF, 0xFF, 0x00, 0x00);
        _spi.EnqueueResponse(0, 0, 0, 0x20, 0x00, 0x00, 0x00);
        var achieved = new float[2];
        var pulses = new int[2];
        var states = new float[2];
        var representable = new float[2];

        tc1.ReadAchieved(achieved);
        tc1.ReadPulses(pulses);
        var totals = tc1.ReadProgramTotals();
        tc1.ReadReadbackRow(states);
        tc1.ReadRepresentable(representable);

        Assert.Equal([1f, -16384 / 32767f], achieved);
        Assert.Equal([3, 255], pulses);
        Assert.Equal(new Tc1Totals(65536, 2), totals);
        Assert.Equal([1f, 0f], states);
        Assert.Equal([8192 / 32767f, 0f], representable);
        Assert.Equal(
            [
                [0x03, 0x31, 0, 0, 0, 0, 0],
                [0x03, 0x32, 0, 0, 0],
                [0x03, 0x33, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                [0x03, 0x41, 0, 0, 0, 0, 0],
                [0x03, 0x34, 0, 0, 0, 0, 0],
            ],
            _spi.Frames);
    }

    [Fact]
    public void CellIsRowThenColumnBigEndian()
    {
        Tc1.WriteCell(3, 5);

        Assert.Equal([[0x02, 0x15, 0x00, 0x03, 0x00, 0x05]], _spi.Frames);
    }

    [Fact]
    public void PulseIsArraySignedMillivoltsAndNanoseconds()
    {
        var tc1 = Tc1;
        tc1.Pulse(1, 1.2, 50e-9);
        tc1.Pulse(0, -0.8004, 1.0004e-6);
        tc1.Pulse(2, -32.768, 65.535e-6);

        Assert.Equal(
            [[0x02, 0x16, 0x01, 0x04, 0xB0, 0x00, 0x32], [0x02, 0x16, 0x00, 0xFC, 0xE0, 0x03, 0xE8], [0x02, 0x16, 0x02, 0x80, 0x00, 0xFF, 0xFF]],
            _spi.Frames);
    }

    [Fact]
    public void PulsesTheRegistersCannotCarryAreRefusedBeforeTheBus()
    {
        var tc1 = Tc1;

        Assert.Equal("TC1 on /dev/spidev0.0: pulse amplitude 32.768 V: TC1 takes −32.768 V to 32.767 V in millivolts", Assert.Throws<AimcException>(() => tc1.Pulse(0, 32.768, 1e-7)).Message);
        Assert.Equal("TC1 on /dev/spidev0.0: pulse amplitude NaN V: TC1 takes −32.768 V to 32.767 V in millivolts", Assert.Throws<AimcException>(() => tc1.Pulse(0, double.NaN, 1e-7)).Message);
        Assert.Equal("TC1 on /dev/spidev0.0: pulse width 6.6E-05 s: TC1 takes 0 to 65535 ns", Assert.Throws<AimcException>(() => tc1.Pulse(0, 1, 66e-6)).Message);
        Assert.Equal("TC1 on /dev/spidev0.0: pulse width -1E-08 s: TC1 takes 0 to 65535 ns", Assert.Throws<AimcException>(() => tc1.Pulse(0, 1, -10e-9)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tc1.Pulse(256, 1, 1e-7));
        Assert.Throws<ArgumentOutOfRangeException>(() => tc1.WriteCell(65536, 0));
        Assert.Empty(_spi.Frames);
    }

    [Fact]
    public void VerifyReadsTwoBytesOfStateOverFullScale()
    {
        _spi.EnqueueResponse(0xFF, 0xFF, 0xFF, 0x80, 0x00);

        Assert.Equal(32768 / 65535f, Tc1.ReadVerify());
        Assert.Equal([[0x03, 0x17, 0x00, 0x00, 0x00]], _spi.Frames);
    }
}
