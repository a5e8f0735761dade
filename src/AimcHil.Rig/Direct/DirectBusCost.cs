using AimcHil.Core;
using AimcHil.Hardware.Converters;

namespace AimcHil.Rig.Direct;

/// <summary>The bus cost of one MVM sample on a direct rig, measured on counted buses and against the floor the parts'
/// protocols allow (their drivers' static minimums), so a read-out change shows as a ratio to that floor.</summary>
public static class DirectBusCost
{
    /// <summary>GPIO calls every sample needs for the TC1 handshake: START high, the DONE wait, START low.</summary>
    public const int HandshakeGpioCalls = 3;

    /// <summary>GPIO calls of a CONVST pulse (low, high), once per line however many AD7606s share it.</summary>
    public const int ConvstPulseGpioCalls = 2;

    /// <summary>GPIO calls an AD7606 scan needs besides the pulse: its BUSY wait.</summary>
    public const int Ad7606BusyGpioCalls = 1;

    /// <summary>The floor for one sample with <paramref name="rows"/> × <paramref name="cols"/> mapped onto the
    /// configured parts: per DAC part one message of its minimum update bytes, per ADC part its minimum scan messages
    /// and bytes, and the GPIO calls of the handshake, of each CONVST line's pulse and of each AD7606's BUSY wait.</summary>
    public static BusCost Minimum(DirectRigConfig config, int rows, int cols)
    {
        double calls = HandshakeGpioCalls, bytes = 0;
        var left = rows;
        foreach (var dac in config.Inputs.Dacs)
        {
            var k = Math.Min(left, dac.ChannelsUsed ?? 8);
            left -= k;
            if (k == 0)
            {
                continue;
            }

            calls += 1;
            bytes += ConverterParts.Silicon(dac.Part) switch
            {
                "ad5328" => Ad5328.MinimumBytesPerUpdate(k),
                "ad5676" => Ad5676.MinimumBytesPerUpdate(k),
                _ => throw new AimcException($"no minimum update cost known for DAC part '{dac.Part}'"),
            };
        }

        left = cols;
        var convstLines = new HashSet<int>();
        foreach (var adc in config.Outputs.Adcs)
        {
            var part = ConverterParts.Silicon(adc.Part);
            var k = Math.Min(left, adc.ChannelsUsed ?? (part == "ads1115" ? 4 : 8));
            left -= k;
            if (k == 0)
            {
                continue;
            }

            var (messages, scanBytes) = part switch
            {
                "mcp3008" or "mcp3208" => (Mcp3x08.MinimumMessagesPerScan(k), Mcp3x08.MinimumBytesPerScan(k)),
                "ad7606" => (Ad7606.MinimumMessagesPerScan(k) + Ad7606BusyGpioCalls + (convstLines.Add(adc.ConvstLine ?? -1) ? ConvstPulseGpioCalls : 0), Ad7606.MinimumBytesPerScan(k)),
                "ads8688" => (Ads8688.MinimumMessagesPerScan(k), Ads8688.MinimumBytesPerScan(k)),
                "ads1115" => (Ads1115.MinimumMessagesPerScan(k), Ads1115.MinimumBytesPerScan(k)),
                _ => throw new AimcException($"no minimum scan cost known for ADC part '{adc.Part}'"),
            };
            calls += messages;
            bytes += scanBytes;
        }

        return new BusCost(calls, bytes);
    }

    /// <summary>Opens a DirectChip on counted buses from <paramref name="buses"/>, runs one warm-up sample (so the TILE
    /// write and first-use costs are not counted), then <paramref name="samples"/> samples of inputs across the code
    /// range, and returns the cost per sample.</summary>
    public static BusCost Measure(DirectRigConfig config, IAimcChip emulator, Func<DirectRigConfig, IAimcChip, IDirectBuses> buses, int samples = 16)
    {
        var counted = new CountingDirectBuses(buses(config, emulator));
        using var chip = new DirectChip(config, counted);
        var max = chip.Info.InputCodeMax;
        var inputs = new Grid<int>(samples, chip.Info.Rows);
        for (var k = 0; k < inputs.Data.Length; k++)
        {
            inputs.Data[k] = ((k * 37) % ((2 * max) + 1)) - max;
        }

        chip.Mvm(0, new Grid<int>(1, chip.Info.Rows));
        long calls = counted.KernelCalls, bytes = counted.BusBytes;
        chip.Mvm(0, inputs);
        return new BusCost((double)(counted.KernelCalls - calls) / samples, (double)(counted.BusBytes - bytes) / samples);
    }

    /// <summary>A rig of <paramref name="rows"/> × <paramref name="cols"/> with AD5676 inputs (SPI 1) and
    /// <paramref name="adcPart"/> read-out (SPI 2, chip select per part): ad7606 (±5 V, CONVST on line 5 shared, BUSY on
    /// lines 6, 7, …), mcp3008 or iot:mcp3008 (the Iot.Device.Bindings binding; 3.3 V reference); the wiring of the
    /// emulated rig, widened.</summary>
    public static DirectRigConfig ReadOutCase(string adcPart, int rows, int cols)
    {
        var dacs = Enumerable.Range(0, (rows + 7) / 8)
            .Select(i => new ConverterConfig { Part = "ad5676", Bus = 1, ChipSelect = i, ClockHz = 10_000_000, ReferenceVolts = 2.5 })
            .ToList();
        var parts = (cols + 7) / 8;
        var (outputs, adcs) = adcPart switch
        {
            "ad7606" => (
                new OutputStageConfig { MidVolts = 0, HalfSpanVolts = 5 },
                Enumerable.Range(0, parts).Select(i => new ConverterConfig { Part = "ad7606", Bus = 2, ChipSelect = i, ClockHz = 10_000_000, RangeVolts = 5, ConvstLine = 5, BusyLine = 6 + i })),
            "mcp3008" or "iot:mcp3008" => (
                new OutputStageConfig { MidVolts = 1.65, HalfSpanVolts = 1.65 },
                Enumerable.Range(0, parts).Select(i => new ConverterConfig { Part = adcPart, Bus = 2, ChipSelect = i, ClockHz = 1_000_000, ReferenceVolts = 3.3 })),
            _ => throw new AimcException($"no read-out case for '{adcPart}'; use ad7606, mcp3008 or iot:mcp3008"),
        };
        return new DirectRigConfig
        {
            Emulated = true,
            MacFullScale = 8,
            Inputs = new InputStageConfig { MidVolts = 1.25, HalfSpanVolts = 1.25, Dacs = dacs },
            Outputs = outputs with { Adcs = [.. adcs] },
        };
    }
}
