using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Numerics;
using AimcHil.Protocol;
using AimcHil.Training;
using AimcHil.Training.Data;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Tests;

/// <summary>The real host stack (<c>aimc</c>) against the C reference firmware's cortex-m3 image on QEMU's
/// mps2-an385 board, over the board's UART0 carried to a pseudo-terminal: the same bytes a bench's MCU bridge would
/// see, through startup code, linker script, UART and SysTick HAL. QEMU's UART carries about 10 KB/s, so the
/// batches are small.</summary>
public sealed class QemuFirmwareInteropTests : IDisposable
{
    private const string SoftRig = "firmware-protocol/firmware/rigs/soft-crossbar-32.yaml";
    private const string SerialRig = "firmware-protocol/firmware/rigs/host-serial.yaml";
    private readonly List<QemuProcess> _boards = [];

    [QemuFact]
    public void ProbeNamesTheCFirmwareOnTheEmulatedCortexM3()
    {
        var port = StartBoard();

        var probe = AimcProcess.Run("probe", "--port", port, "--json");

        Assert.Equal(0, probe.ExitCode);
        var json = probe.Json;
        Assert.Equal("aimc-hil C reference firmware", json.GetProperty("firmware").GetString());
        Assert.Equal("0.1.0", json.GetProperty("firmware_version").GetString());
        Assert.Equal("1.2", json.GetProperty("protocol").GetString());
        // QEMU powers the board on with RAM zeroed: the counter kept in .noinit starts again at 1.
        Assert.Equal(1, json.GetProperty("boot_counter").GetInt32());
        Assert.Equal("VirtualClock, Limits", json.GetProperty("capabilities").GetString());
        Assert.Equal(32768, json.GetProperty("max_object_bytes").GetInt32());
        var chip = json.GetProperty("chip");
        Assert.Equal("soft-crossbar-32", chip.GetProperty("name").GetString());
        Assert.Equal(32, chip.GetProperty("rows").GetInt32());
        Assert.Equal(32, chip.GetProperty("cols").GetInt32());
        Assert.Equal(2, chip.GetProperty("tiles").GetInt32());
    }

    [QemuFact]
    public void MvmOverTheEmulatedCortexM3EqualsTheInProcessIdealEmulatorBitForBit()
    {
        var port = StartBoard();
        var scratch = Directory.CreateTempSubdirectory("aimc-qemu-").FullName;
        string[] mvm = ["mvm", "--seed", "5", "--random-inputs", "24", "--json"];

        var overWire = AimcProcess.Run([.. mvm, "--rig", SerialRig, "--port", port, "--out", Path.Combine(scratch, "firmware.npy")]);
        var inProcess = AimcProcess.Run([.. mvm, "--rig", SoftRig, "--ideal", "--out", Path.Combine(scratch, "emulator.npy")]);

        Assert.True(overWire.ExitCode == 0, overWire.Stderr);
        Assert.Equal(0, inProcess.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(scratch, "emulator.npy")), File.ReadAllBytes(Path.Combine(scratch, "firmware.npy")));
        foreach (var key in new[] { "chip", "rows", "cols", "batch", "lsb_mac", "full_scale_mac", "rmse_lsb", "max_abs_error_lsb", "saturated_outputs", "programming_pulses", "unconverged_cells" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [QemuFact]
    public void AWarmResetOfTheBoardIsNoticedAndTheTileIsProgrammedAgainFromTheShadow()
    {
        var board = new QemuProcess(QemuFirmwareImage.Path);
        _boards.Add(board);
        using var serial = new SerialPort(board.Port, 921600);
        serial.Open();
        using var chip = ProtocolChip.Open(serial.BaseStream, board.Port, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(2), TargetFormat = TargetFormat.F32 });
        var rng = new SeededRandom(11);
        var weights = new Grid<float>(32, 32);
        rng.FillUniform(weights.Data, -1f, 1f);
        var inputs = new Grid<int>(8, 32);
        for (var k = 0; k < inputs.Data.Length; k++)
        {
            inputs.Data[k] = rng.NextInt(255) - 127;
        }

        chip.Program(0, weights, WriteVerifyOptions.Default);
        var before = chip.Mvm(0, inputs);
        Assert.Equal(1u, chip.Session.Rig!.BootCounter);

        var boots = QemuFirmwareImage.Symbol("boots");
        Assert.Equal(1u, board.ReadWord(boots));
        board.Reset();
        // The monitor runs the reset on its own schedule: wait until the firmware has booted again and counted it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (board.ReadWord(boots) != 2 && DateTime.UtcNow < deadline)
        {
        }

        var after = chip.Mvm(0, inputs);

        // The boot counter lives in .noinit, which a warm reset keeps: the firmware comes back as boot 2 with a blank
        // chip, the host notices, programs tile 0 again from its shadow, and the MVM answers as before.
        Assert.Equal(2u, chip.Session.Rig!.BootCounter);
        Assert.Equal(1, chip.Session.Counters.ResetsDetected);
        Assert.Equal(1, chip.Reprograms);
        Assert.Equal(before.Codes.Data, after.Codes.Data);
        Assert.Equal(before.MacPerCode, after.MacPerCode);
    }

    /// <summary>The same short hil run (in process, 480 samples, 4 epochs) over the Cortex-M3 image and over the host
    /// build: two compilers, two C libraries, soft-float against x87/SSE doubles, one result.</summary>
    [QemuFact]
    public void HilTrainingOverTheEmulatedCortexM3LearnsAndEndsAsOverTheHostBuild()
    {
        var board = new QemuProcess(QemuFirmwareImage.Path);
        _boards.Add(board);
        using var host = new FirmwareProcess();
        var (train, test) = SyntheticDataset.GaussianBlobs(600, 16, 3, 5, separation: 2.5).Split(480);
        var options = new TrainingOptions
        {
            Mode = TrainingMode.Hil,
            Layers = [16, 8, 3],
            Epochs = 4,
            BatchSize = 16,
            LearningRate = 5e-3f,
            Seed = 7,
            Reprogram = "every:5",
        };

        var overBoard = Train(board.Port);
        var overHost = Train(host.Port);

        // Three classes: chance is 1/3.
        Assert.InRange(overBoard.ChipTestAccuracy!.Value, 0.8, 1.0);
        Assert.Equal(0, overBoard.RigResets);
        Assert.Equal(overHost.ChipTestAccuracy, overBoard.ChipTestAccuracy);
        Assert.Equal(overHost.SoftwareTestAccuracy, overBoard.SoftwareTestAccuracy);
        Assert.Equal(overHost.FinalTrainLoss, overBoard.FinalTrainLoss);
        Assert.Equal(overHost.ProgrammingPulses, overBoard.ProgrammingPulses);
        Assert.Equal(overHost.Reprograms, overBoard.Reprograms);

        TrainingSummary Train(string port)
        {
            using var serial = new SerialPort(port, 921600);
            serial.Open();
            using var chip = ProtocolChip.Open(serial.BaseStream, port, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(2), TargetFormat = TargetFormat.F32 });
            return new Trainer(options, train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }
    }

    /// <summary>The reset handler paints the stack (startup.c); after programming, MVMs and a NAK whose message
    /// formats a float through newlib (the deepest path), the words never written show the high-water mark (1 728 of
    /// 8 192 bytes when measured); newlib's heap use is read likewise (232 of 4 096 bytes).</summary>
    [QemuFact]
    public void AFullSessionStaysWithinHalfTheStackReservation()
    {
        var board = new QemuProcess(QemuFirmwareImage.Path);
        _boards.Add(board);
        using var serial = new SerialPort(board.Port, 921600);
        serial.Open();
        using var chip = ProtocolChip.Open(serial.BaseStream, board.Port, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(2), TargetFormat = TargetFormat.F32 });
        var weights = new Grid<float>(32, 32);
        new SeededRandom(12).FillUniform(weights.Data, -1f, 1f);
        chip.Program(1, weights, WriteVerifyOptions.Default, null, ProgrammingDetail.PerWeight);
        chip.Mvm(1, new Grid<int>(40, 32, [.. Enumerable.Range(0, 40 * 32).Select(k => (k % 255) - 127)]));
        weights[3, 5] = 1.7f;

        var refused = Assert.Throws<AimcException>(() => chip.Session.Request(Opcode.Program, new ProgramRequest(0, weights, WriteVerifyOptions.Default, null).Encode()));

        // newlib-nano's float formatting is linked in (-u _printf_float): the number reads as the C# host prints it.
        Assert.Contains("weight target 1.7 at row 3, column 5 is outside [-1, 1]", refused.Message, StringComparison.Ordinal);
        var bottom = QemuFirmwareImage.Symbol("_stack_bottom");
        var reservedBytes = (int)(QemuFirmwareImage.Symbol("_stack_top") - bottom);
        var stack = board.ReadWords(bottom, reservedBytes / 4);
        var untouchedBytes = 4 * stack.TakeWhile(word => word == 0x5AC4DEADu).Count();
        Assert.InRange(reservedBytes - untouchedBytes, 1, reservedBytes / 2);
        // newlib's strtof took its blocks from the bounded heap (_sbrk in board.c moves brk.0 up from _heap_start).
        var heapBytes = (int)(board.ReadWord(QemuFirmwareImage.Symbol("brk.0")) - QemuFirmwareImage.Symbol("_heap_start"));
        Assert.InRange(heapBytes, 1, 1024);
    }

    public void Dispose()
    {
        foreach (var board in _boards)
        {
            board.Dispose();
        }
    }

    private string StartBoard()
    {
        var board = new QemuProcess(QemuFirmwareImage.Path);
        _boards.Add(board);
        return board.Port;
    }
}
