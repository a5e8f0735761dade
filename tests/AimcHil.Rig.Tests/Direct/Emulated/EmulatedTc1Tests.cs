using System.Device.Gpio;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>The TC1 register interface of hil-rigs/direct-tc1.md as golden transactions, and PROGRAM / READBACK
/// reports equal to what the same emulated chip reports when called directly.</summary>
public class EmulatedTc1Tests
{
    private const ulong Seed = 11;

    private static readonly ChipPreset Small = new() { Name = "tc1-small", Rows = 8, Cols = 4, Tiles = 2 };

    private static (EmulatedTc1 Tc1, EmulatedGpio Gpio) Tc1(ChipPreset preset)
    {
        var gpio = new EmulatedGpio();
        return (new EmulatedTc1(new EmulatedChip(preset, Seed), new DirectRigConfig(), gpio, _ => 1.25, 0), gpio);
    }

    private static byte[] Transact(SpiDevice spi, params byte[] mosi)
    {
        var miso = new byte[mosi.Length];
        spi.TransferFullDuplex(mosi, miso);
        return miso;
    }

    private static void WriteRegister(SpiDevice spi, byte register, params byte[] data) => spi.Write([0x02, register, .. data]);

    /// <summary>The data bytes of a read of <paramref name="count"/> bytes (after the three ignored ones).</summary>
    private static byte[] ReadRegister(SpiDevice spi, byte register, int count) => Transact(spi, [0x03, register, 0x00, .. new byte[count]])[3..];

    private static byte[] Q15Row(IEnumerable<float> weights) =>
        [.. weights.SelectMany(w => { var q = (short)Math.Round(Math.Clamp(w, -1f, 1f) * 32767.0); return new[] { (byte)(q >> 8), (byte)q }; })];

    [Fact]
    public void IdReadsAs7C01AfterThreeIgnoredBytes()
    {
        var (tc1, _) = Tc1(Small);

        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x7C, 0x01 }, Transact(tc1, 0x03, 0x00, 0x00, 0x00, 0x00));
    }

    [Fact]
    public void GeometryGivesRowsColsTilesAndInputBits()
    {
        var (tc1, _) = Tc1(Small with { Rows = 300, Cols = 16, Dac = new() { Bits = 6 } });

        Assert.Equal(new byte[] { 0x01, 0x2C, 0x00, 0x10, 0x02, 0x06 }, ReadRegister(tc1, 0x01, 6));
    }

    [Fact]
    public void RefusedWritesSetErrorWhichTheStatusReadClears()
    {
        var (tc1, _) = Tc1(Small);

        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x10, 0x00, 0x01); // TILE is one byte
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x10, 0x02); // tile 2 of 2 does not exist
        WriteRegister(tc1, 0x00, 0x12, 0x34); // ID is read-only
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x11, 0x00, 0x00);
        WriteRegister(tc1, 0x12, 0x80, 0x00, 0, 0, 0, 0, 0, 0); // −32768 is refused
        WriteRegister(tc1, 0x14, 0x01, 0x00, 0x05, 0x1F); // zero pulses per device
        WriteRegister(tc1, 0x20, 0x07); // no such command
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x10, 0x01);
        Assert.Equal(1, tc1.Tile);
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1));
    }

    [Fact]
    public void ProgramReportsWhatTheChipReportsDirectlyAndRaisesDone()
    {
        var (tc1, gpio) = Tc1(Small);
        gpio.Controller.OpenPin(21, PinMode.Input);
        var targets = new Grid<float>(8, 4);
        var rng = new Random(3);
        for (var k = 0; k < targets.Data.Length; k++)
        {
            targets.Data[k] = (short)rng.Next(-32767, 32768) / 32767f;
        }

        WriteRegister(tc1, 0x10, 0x01);
        WriteRegister(tc1, 0x14, 0x01, 0x0A, 0x05, 0x1F); // verify, 10 pulses, 1311 / 65535 = 2 %
        WriteRegister(tc1, 0x20, 0x02);
        WriteRegister(tc1, 0x11, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            WriteRegister(tc1, 0x12, Q15Row(targets.Row(r).ToArray()));
        }

        WriteRegister(tc1, 0x20, 0x01);

        Assert.False(gpio.Controller.WaitForEvent(21, PinEventTypes.Rising, TimeSpan.Zero).TimedOut);
        Assert.Equal(new byte[] { 0x02 }, ReadRegister(tc1, 0x02, 1));
        using var direct = new EmulatedChip(Small, Seed);
        var expected = direct.Program(1, targets, new WriteVerifyOptions(true, 1311 / 65535.0, 10));
        WriteRegister(tc1, 0x30, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            Assert.Equal(Q15Row(expected.Achieved!.Row(r).ToArray()), ReadRegister(tc1, 0x31, 8));
        }

        WriteRegister(tc1, 0x30, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            Assert.Equal(expected.Pulses!.Row(r).ToArray().Select(p => (byte)Math.Min(p, 255)), ReadRegister(tc1, 0x32, 4));
        }

        WriteRegister(tc1, 0x30, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            Assert.Equal(Q15Row(expected.Representable!.Row(r).ToArray()), ReadRegister(tc1, 0x34, 8));
        }

        var totals = ReadRegister(tc1, 0x33, 8);
        Assert.Equal((uint)expected.TotalPulses, (uint)(totals[0] << 24 | totals[1] << 16 | totals[2] << 8 | totals[3]));
        Assert.Equal(expected.Unconverged.Count, totals[4] << 24 | totals[5] << 16 | totals[6] << 8 | totals[7]);
        Assert.True(expected.TotalPulses > 32);
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1));
    }

    [Fact]
    public void AMaskedProgramRewritesOnlyTheMaskedCells()
    {
        var (tc1, _) = Tc1(Small);
        var first = new Grid<float>(8, 4);
        Array.Fill(first.Data, 16384 / 32767f); // Q15 values exactly, so the direct call programs the same targets
        var second = new Grid<float>(8, 4);
        Array.Fill(second.Data, -8192 / 32767f);
        var only = new Grid<bool>(8, 4);
        only[2, 1] = true;
        only[2, 3] = true;
        WriteRegister(tc1, 0x14, 0x00, 0x01, 0x00, 0x00);
        WriteRegister(tc1, 0x11, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            WriteRegister(tc1, 0x12, Q15Row(first.Row(r).ToArray()));
        }

        WriteRegister(tc1, 0x20, 0x01);
        for (var r = 0; r < 8; r++)
        {
            WriteRegister(tc1, 0x11, 0x00, (byte)r);
            WriteRegister(tc1, 0x13, (byte)(r == 2 ? 0b1010 : 0));
            WriteRegister(tc1, 0x12, Q15Row(second.Row(r).ToArray()));
        }

        WriteRegister(tc1, 0x20, 0x01);

        using var direct = new EmulatedChip(Small, Seed);
        direct.Program(0, first, WriteVerifyOptions.SinglePulse);
        var expected = direct.Program(0, second, WriteVerifyOptions.SinglePulse, only);
        Assert.Equal(expected.Achieved!.Data, tc1.LastReport!.Achieved!.Data);
        WriteRegister(tc1, 0x30, 0x00, 0x02);
        Assert.Equal(new byte[] { 0, 2, 0, 2 }, ReadRegister(tc1, 0x32, 4)); // one pulse on each device of the pair
        Assert.Equal(expected.Pulses!.Row(2).ToArray().Select(p => (byte)p), new byte[] { 0, 2, 0, 2 });
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1)[..1].Select(b => (byte)(b & 0x04)));
    }

    [Fact]
    public void ReadbackLatchesTheDeviceStatesOfEachArray()
    {
        var (tc1, _) = Tc1(Small);
        var targets = new Grid<float>(8, 4);
        for (var k = 0; k < targets.Data.Length; k++)
        {
            targets.Data[k] = ((k % 7) - 3) / 3f;
        }

        WriteRegister(tc1, 0x11, 0x00, 0x00);
        for (var r = 0; r < 8; r++)
        {
            WriteRegister(tc1, 0x12, Q15Row(targets.Row(r).ToArray()));
        }

        WriteRegister(tc1, 0x20, 0x01);
        WriteRegister(tc1, 0x20, 0x03);

        using var direct = new EmulatedChip(Small, Seed);
        direct.Program(0, new Grid<float>(8, 4, [.. targets.Data.Select(w => (short)Math.Round(w * 32767.0) / 32767f)]), WriteVerifyOptions.Default);
        var states = direct.ReadBack(0);
        for (var array = 0; array < states.Arrays.Count; array++)
        {
            WriteRegister(tc1, 0x40, (byte)array);
            WriteRegister(tc1, 0x30, 0x00, 0x00);
            for (var r = 0; r < 8; r++)
            {
                var expected = states.Arrays[array].States.Row(r).ToArray()
                    .SelectMany(s => { var u = (ushort)Math.Round(Math.Clamp(s, 0f, 1f) * 65535.0); return new[] { (byte)(u >> 8), (byte)u }; });
                Assert.Equal(expected, ReadRegister(tc1, 0x41, 8));
            }
        }

        Assert.Equal(2, states.Arrays.Count);
    }

    [Fact]
    public void StartComputesOnTheWordLinesAndDoneFollowsStart()
    {
        var gpio = new EmulatedGpio();
        using var chip = new EmulatedChip(Small.Ideal(), Seed);
        var config = new DirectRigConfig { Outputs = new() { MidVolts = 0, HalfSpanVolts = 5 }, MacFullScale = 4 };
        double[] wordLines = [2.5, 0.0, 1.25, 1.25 + (1.25 / 127), 1.3, 1.25, 1.25, 3.0];
        var tc1 = new EmulatedTc1(chip, config, gpio, i => wordLines[i], wordLines.Length);
        gpio.Controller.OpenPin(20, PinMode.Output);
        gpio.Controller.OpenPin(21, PinMode.Input);

        gpio.Controller.Write(20, PinValue.High);

        Assert.False(gpio.Controller.WaitForEvent(21, PinEventTypes.Rising, TimeSpan.Zero).TimedOut);
        Assert.Equal(PinValue.High, gpio.Controller.Read(21));
        Assert.Equal(new[] { 127, -127, 0, 1, 5, 0, 0, 127 }, tc1.LastInputCodes);
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(Math.Clamp(tc1.LastMac[j] / 4 * 5, -5, 5), tc1.OutputVolts(j), 12);
        }

        gpio.Controller.Write(20, PinValue.Low);
        Assert.False(gpio.Controller.WaitForEvent(21, PinEventTypes.Falling, TimeSpan.Zero).TimedOut);
        Assert.Equal(1, tc1.Computes);
    }

    [Fact]
    public void PulseMovesTheCellsDeviceAndVerifyReadsItAsTheChipDoes()
    {
        var preset = Small with { Pcm = new PcmConfig().Ideal() with { ProgrammingNoise = true, ReadNoise = true } };
        var (tc1, _) = Tc1(preset);
        using var reference = new EmulatedChip(preset, Seed);

        WriteRegister(tc1, 0x10, 0x01);
        WriteRegister(tc1, 0x15, 0x00, 0x02, 0x00, 0x03); // CELL (2, 3)
        WriteRegister(tc1, 0x16, 0x01, 0x04, 0xB0, 0x00, 0x32); // G−, +1.2 V, 50 ns
        WriteRegister(tc1, 0x40, 0x01);
        reference.ApplyPulse(1, 1, 2, 3, 1.2, 50e-9);
        var expected = (ushort)Math.Round(Math.Clamp(reference.ReadDevice(1, 1, 2, 3), 0f, 1f) * 65535.0);

        Assert.Equal(new byte[] { (byte)(expected >> 8), (byte)expected }, ReadRegister(tc1, 0x17, 2));
        Assert.Equal((2, 3), tc1.Cell);
        Assert.Equal(1, tc1.Pulses);
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1)); // no ERROR, and a pulse raises no DONE
    }

    [Fact]
    public void AFullStrengthPulseVerifiesAtFullScaleAndANegativeOneAtZero()
    {
        var (tc1, _) = Tc1(Small.Ideal());

        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x00 }, Transact(tc1, 0x03, 0x17, 0x00, 0x00, 0x00));
        WriteRegister(tc1, 0x16, 0x00, 0x07, 0xD0, 0xFF, 0xFF); // G+, +2.0 V, 65535 ns: k = 1 − e^−655
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0xFF, 0xFF }, Transact(tc1, 0x03, 0x17, 0x00, 0x00, 0x00));
        WriteRegister(tc1, 0x16, 0x00, 0xF8, 0x30, 0xFF, 0xFF); // −2.0 V
        Assert.Equal(new byte[] { 0x00, 0x00 }, ReadRegister(tc1, 0x17, 2));
    }

    [Fact]
    public void CellsAndArraysOutsideTheChipSetErrorAndVerifyOfAMissingArrayReadsZeros()
    {
        var (tc1, _) = Tc1(Small.Ideal());
        WriteRegister(tc1, 0x16, 0x00, 0x07, 0xD0, 0xFF, 0xFF); // cell (0, 0) G+ to the top

        WriteRegister(tc1, 0x15, 0x00, 0x08, 0x00, 0x00); // row 8 of 8
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x15, 0x00, 0x00, 0x00, 0x04); // column 4 of 4
        WriteRegister(tc1, 0x15, 0x00, 0x01, 0x00); // three bytes
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x16, 0x02, 0x07, 0xD0, 0x00, 0x32); // array 2: a pair has G+ and G−
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        WriteRegister(tc1, 0x16, 0x00, 0x07, 0xD0, 0x00); // four bytes
        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));

        Assert.Equal((0, 0), tc1.Cell);
        Assert.Equal(1, tc1.Pulses);
        Assert.Equal(new byte[] { 0xFF, 0xFF }, ReadRegister(tc1, 0x17, 2));
        WriteRegister(tc1, 0x40, 0x05);
        Assert.Equal(new byte[] { 0x00, 0x00 }, ReadRegister(tc1, 0x17, 2));
        Assert.Equal(new byte[] { 0x00 }, ReadRegister(tc1, 0x02, 1));
    }

    [Fact]
    public void BehindAChipThatIsNotTheEmulatorPulseSetsErrorAndVerifyReadsZeros()
    {
        using var emulator = new EmulatedChip(Small.Ideal(), Seed);
        var tc1 = new EmulatedTc1(new OtherChip(emulator), new DirectRigConfig(), new EmulatedGpio(), _ => 1.25, 0);

        WriteRegister(tc1, 0x15, 0x00, 0x00, 0x00, 0x00);
        WriteRegister(tc1, 0x16, 0x00, 0x07, 0xD0, 0xFF, 0xFF);

        Assert.Equal(new byte[] { 0x04 }, ReadRegister(tc1, 0x02, 1));
        Assert.Equal(new byte[] { 0x00, 0x00 }, ReadRegister(tc1, 0x17, 2));
        Assert.Equal(0, emulator.PulsesApplied);
    }

    /// <summary>An <see cref="IAimcChip"/> that is not an <see cref="EmulatedChip"/>: the chip contract only.</summary>
    private sealed class OtherChip(IAimcChip inner) : IAimcChip
    {
        public ChipInfo Info => inner.Info;

        public IChipClock Clock => inner.Clock;

        public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null) => inner.Program(tile, targets, options, only);

        public DeviceStates ReadBack(int tile) => inner.ReadBack(tile);

        public MvmResult Mvm(int tile, Grid<int> inputCodes) => inner.Mvm(tile, inputCodes);

        public void Dispose()
        {
        }
    }
}
