#:property PublishAot=false
#:project ../../src/AimcHil.Rig/AimcHil.Rig.csproj
// Bringing up a direct rig's board by hand: opens the rig file's buses through System.Device (our spidev, i2c-dev and
// GPIO v2 devices, or the emulated parts), reads one ADC channel through our driver and the same channel through the
// Iot.Device.Bindings binding of the part where there is one, and prints both with what each cost on the bus.
// Usage (from the repository root):
//   dotnet run tools/scripts/direct-rig-by-hand.cs -- RIG.yaml [--adc N] [--channel C] [--emulated]
// --adc picks direct.outputs.adcs[N] (default 0), --channel the part's input (default 0); --emulated runs a board rig
// (direct.emulated: false) against the emulated parts, to try the script before the board is there.
using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Hardware.Buses;
using AimcHil.Rig;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;

if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: direct-rig-by-hand.cs RIG.yaml [--adc N] [--channel C] [--emulated]");
    return 2;
}

try
{
    var rig = RigFileReader.Read(args[0]);
    var config = rig.Direct ?? throw new AimcException($"{rig.Path}: not a direct rig (kind: direct); this script opens a board's SPI, I2C and GPIO buses");
    var index = Option("--adc", 0);
    var channel = Option("--channel", 0);
    if ((uint)index >= (uint)config.Outputs.Adcs.Count)
    {
        throw new AimcException($"{rig.Path}: --adc {index}: the rig file has {config.Outputs.Adcs.Count} ADC part(s) in direct.outputs.adcs (0..{config.Outputs.Adcs.Count - 1})");
    }

    var part = config.Outputs.Adcs[index];
    var silicon = ConverterParts.Silicon(part.Part);
    var emulated = config.Emulated || args.Contains("--emulated");
    using var emulator = emulated ? new EmulatedChip(rig.Chip ?? Tc1Preset(config), rig.Seed) : null;
    using IDirectBuses buses = emulator is null ? new LinuxDirectBuses(config) : new EmulatedBench(config, emulator);
    Console.WriteLine($"{rig.Path}: direct.outputs.adcs[{index}]: {silicon.ToUpperInvariant()} on {Where(part, silicon)}{(emulated ? " (emulated)" : string.Empty)}");

    // Our driver, built as the rig builds it.
    var ours = new ConverterParts(buses).Adc(part with { Part = silicon }, $"direct.outputs.adcs[{index}]");
    var spi = silicon == "ads1115" ? null : buses.Spi(SpiOf(part));
    var i2c = silicon == "ads1115" ? buses.I2c(part.Bus, part.Address) : null;
    var codes = new int[1];
    var before = Cost(spi, i2c);
    ours.ReadCodes([channel], codes);
    Console.WriteLine($"  our driver    {ours.GetType().FullName}: channel {channel} = code {codes[0]} = {ours.ToVolts(channel, codes[0]):F4} V ({Cost(spi, i2c) - before})");

    // The Iot.Device binding of the same part, on the same System.Device bus device. It is not disposed: a binding
    // disposes its bus, and the buses belong to the rig.
    (string Name, Func<double> Read)? iot = silicon switch
    {
        "mcp3008" => Binding("Iot.Device.Adc.Mcp3008", new Iot.Device.Adc.Mcp3008(spi!), (adc, c) => adc.Read(c) * part.ReferenceVolts / 1024),
        "mcp3208" => Binding("Iot.Device.Adc.Mcp3208", new Iot.Device.Adc.Mcp3208(spi!), (adc, c) => adc.Read(c) * part.ReferenceVolts / 4096),
        "ads1115" => Binding("Iot.Device.Ads1115.Ads1115", Ads1115(i2c!, part.RangeVolts), (adc, c) => adc.ReadVoltage(Iot.Device.Ads1115.InputMultiplexer.AIN0 + c).Volts),
        _ => null,
    };
    if (iot is { } binding)
    {
        before = Cost(spi, i2c);
        var volts = binding.Read();
        Console.WriteLine($"  Iot binding   {binding.Name}: channel {channel} = {volts:F4} V ({Cost(spi, i2c) - before})");
    }
    else
    {
        Console.WriteLine($"  Iot binding   none: Iot.Device.Bindings 4.2.0 has no {silicon.ToUpperInvariant()} binding (it has MCP3008/MCP3208, ADS1115, AD5328)");
    }

    // A binding reading the given channel, built (and its setup traffic sent) before the read is counted.
    (string, Func<double>) Binding<T>(string name, T adc, Func<T, int, double> read) => (name, () => read(adc, channel));

    return 0;
}
catch (AimcException e)
{
    Console.Error.WriteLine($"direct-rig-by-hand: error: {e.Message}");
    return 2;
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    if (at < 0)
    {
        return fallback;
    }

    return at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value >= 0
        ? value
        : throw new AimcException($"{name} needs a number from 0, e.g. {name} 1");
}

static string Where(ConverterConfig part, string silicon) => silicon == "ads1115"
    ? $"/dev/i2c-{part.Bus} at 0x{part.Address:X2}"
    : $"/dev/spidev{part.Bus}.{part.ChipSelect}";

static SpiBusConfig SpiOf(ConverterConfig part) => new()
{
    Bus = part.Bus,
    ChipSelect = part.ChipSelect,
    ClockHz = part.ClockHz,
    // The datasheet's clocking, as ConverterParts opens it: MCP3x08 mode 0, ADS8688 mode 1, AD7606 mode 2.
    Mode = ConverterParts.Silicon(part.Part) switch { "ads8688" => 1, "ad7606" => 2, _ => 0 },
};

// What the bus has carried so far: SPI messages and bytes, or I2C transactions and bytes.
static BusTally Cost(SpiDevice? spi, I2cDevice? i2c) => (spi, i2c) switch
{
    (SpiMessageDevice s, _) => new BusTally("SPI messages", s.Messages, s.BytesClocked),
    (_, I2cTransactionDevice d) => new BusTally("I2C transactions", d.Transactions, d.BytesMoved),
    _ => new BusTally("calls", 0, 0),
};

static Iot.Device.Ads1115.Ads1115 Ads1115(I2cDevice i2c, double rangeVolts)
{
    var range = rangeVolts switch
    {
        6.144 => Iot.Device.Ads1115.MeasuringRange.FS6144,
        4.096 => Iot.Device.Ads1115.MeasuringRange.FS4096,
        1.024 => Iot.Device.Ads1115.MeasuringRange.FS1024,
        0.512 => Iot.Device.Ads1115.MeasuringRange.FS0512,
        0.256 => Iot.Device.Ads1115.MeasuringRange.FS0256,
        _ => Iot.Device.Ads1115.MeasuringRange.FS2048,
    };
    return new Iot.Device.Ads1115.Ads1115(i2c, Iot.Device.Ads1115.InputMultiplexer.AIN0, range, Iot.Device.Ads1115.DataRate.SPS128, Iot.Device.Ads1115.DeviceMode.PowerDown);
}

// A TC1 as large as the rig's converters reach, for a board rig file without a chip section run --emulated.
static ChipPreset Tc1Preset(DirectRigConfig config) => new()
{
    Name = "tc1",
    Rows = config.Inputs.Dacs.Sum(d => d.ChannelsUsed ?? 8),
    Cols = config.Outputs.Adcs.Sum(a => a.ChannelsUsed ?? (ConverterParts.Silicon(a.Part) == "ads1115" ? 4 : 8)),
};

/// <summary>Bus traffic so far, and the difference of two tallies.</summary>
internal readonly record struct BusTally(string Unit, long Calls, long Bytes)
{
    public static BusTally operator -(BusTally after, BusTally before) => new(after.Unit, after.Calls - before.Calls, after.Bytes - before.Bytes);

    public override string ToString() => $"{Calls} {Unit}, {Bytes} bytes";
}
