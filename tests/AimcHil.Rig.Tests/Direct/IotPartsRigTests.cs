using AimcHil.Core;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>A rig file may name Iot.Device.Bindings parts (iot:mcp3008, iot:ads1115, iot:ad5328) beside ours: the
/// emulated rig then runs the bindings on the same emulated parts and gives the same MVM codes as our drivers.</summary>
public class IotPartsRigTests
{
    [Theory]
    [InlineData("mcp3008", "ad5328")]
    [InlineData("ads1115", "ad5328")]
    public void IotBindingsGiveTheCodesOurDriversGive(string adc, string dac)
    {
        var inputs = new Grid<int>(3, 32, [.. Enumerable.Range(0, 96).Select(k => ((k * 37) % 255) - 127)]);

        var ours = Mvm(Rig(adc, dac), inputs);
        var iot = Mvm(Rig($"iot:{adc}", $"iot:{dac}"), inputs);

        Assert.Equal(ours.Codes.Data, iot.Codes.Data);
        Assert.True(ours.Codes.Data.Distinct().Count() > 10, "the columns carry different MACs");
    }

    [Fact]
    public void AnIotAds1115WithAReadyLineIsRefused()
    {
        var yaml = Rig("iot:ads1115", "ad5676").Replace("address: 72,", "address: 72, ready_line: 17,", StringComparison.Ordinal);

        var error = Assert.Throws<AimcException>(() => RigConnector.Open(RigFileReader.Parse(yaml, "r.yaml")));

        Assert.Contains("iot:ads1115 polls the OS bit (the binding has no wait on ALERT/RDY); remove ready_line, or use ads1115", error.Message);
    }

    [Fact]
    public void AnUnknownIotPartListsTheOnesThereAre()
    {
        var yaml = Rig("iot:mcp3008", "ad5676").Replace("part: iot:mcp3008, bus: 2, chip_select: 0", "part: iot:mcp3208, bus: 2, chip_select: 0", StringComparison.Ordinal);

        var error = Assert.Throws<AimcException>(() => RigConnector.Open(RigFileReader.Parse(yaml, "r.yaml")));

        Assert.EndsWith("allowed: mcp3008, mcp3208, ads1115, ads8688, ad7606, iot:mcp3008, iot:ads1115", error.Message);
    }

    private static MvmResult Mvm(string yaml, Grid<int> inputs)
    {
        using var chip = RigConnector.Open(RigFileReader.Parse(yaml, "r.yaml"));
        var rng = new Random(4);
        var weights = new Grid<float>(32, 16, [.. Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5))]);
        chip.Program(0, weights, WriteVerifyOptions.Default);
        return chip.Mvm(0, inputs);
    }

    /// <summary>direct-emulated.yaml with its DACs replaced by <paramref name="dac"/> and its AD7606s by 16 columns of
    /// <paramref name="adc"/>: two MCP3008s on SPI 2 (0 … 3.3 V) or four ADS1115s on I2C 1 (±4.096 V).</summary>
    private static string Rig(string adc, string dac)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        var parts = adc.EndsWith("mcp3008", StringComparison.Ordinal)
            ? Enumerable.Range(0, 2).Select(cs => $"{{ part: {adc}, bus: 2, chip_select: {cs}, clock_hz: 1000000, reference_volts: 3.3 }}")
            : Enumerable.Range(0, 4).Select(i => $"{{ part: {adc}, bus: 1, address: {72 + i}, range_volts: 4.096 }}");
        var (mid, halfSpan) = adc.EndsWith("mcp3008", StringComparison.Ordinal) ? (1.65, 1.65) : (0.0, 4.0);
        var outputs = $"    mid_volts: {mid}\n    half_span_volts: {halfSpan}\n    adcs:\n" + string.Join("\n", parts.Select(p => $"      - {p}"));
        // The outputs section of the file: from the line after "outputs:" up to the chip section.
        var from = yaml.IndexOf('\n', yaml.IndexOf("  outputs:", StringComparison.Ordinal)) + 1;
        var to = yaml.IndexOf("\nchip:", StringComparison.Ordinal);
        Assert.Contains("part: ad7606", yaml[from..to]);
        Assert.Contains("part: ad5676,", yaml);
        return (yaml[..from] + outputs + yaml[to..]).Replace("part: ad5676,", $"part: {dac},", StringComparison.Ordinal);
    }
}
