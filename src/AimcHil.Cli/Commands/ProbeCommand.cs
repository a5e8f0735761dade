using System.CommandLine;
using AimcHil.Protocol;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc probe</c>: greets a bridge on a port and prints what it says about itself and its chip.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var port = new Option<string>("--port") { Description = "serial device (e.g. /dev/ttyACM0) or HOST:PORT", Required = true };
        var baud = new Option<int>("--baud") { Description = "serial line rate, bits per second", DefaultValueFactory = _ => 921600 }.Within(50, 100_000_000);
        var timeout = new Option<int>("--timeout-ms") { Description = "how long each attempt waits for an answer", DefaultValueFactory = _ => 500 }.Within(1, 60_000);
        var json = CommonOptions.Json();
        var command = new Command("probe", "handshake with a bridge and print the rig's info") { port, baud, timeout, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var address = LinkAddress.Parse(parse.GetValue(port)!);
            var rig = new RigFile
            {
                Kind = address.IsTcp ? RigKind.Tcp : RigKind.Serial,
                Path = address.Text,
                BaudRate = parse.GetValue(baud),
                TimeoutMs = parse.GetValue(timeout),
            };
            using var chip = RigConnector.OpenBridge(rig, address);
            var hello = chip.Session.Rig!;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new
                {
                    port = address.Text,
                    protocol = $"{hello.Major}.{hello.Minor}",
                    firmware = hello.Firmware,
                    firmware_version = hello.FirmwareVersionText,
                    boot_counter = hello.BootCounter,
                    max_payload = hello.MaxPayload,
                    window = hello.Window,
                    capabilities = hello.Capabilities.ToString(),
                    // Null from a 1.0 rig, which states no limits.
                    max_pulses_per_cell = hello.Limits?.MaxPulsesPerCell,
                    idle_timeout_ms = hello.Limits?.IdleTimeoutMs,
                    max_object_bytes = hello.Limits?.MaxObjectBytes,
                    // Requests the host keeps in flight (protocol 1.3 PIPELINE); 1 from an older rig.
                    pipeline_depth = chip.Session.PipelineDepth,
                    chip = chip.Info,
                });
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{address.Text}[/]: {hello.Firmware} {hello.FirmwareVersionText}, protocol {hello.Major}.{hello.Minor}, boot {hello.BootCounter}, frames up to {hello.MaxPayload} bytes, window {hello.Window}, capabilities {hello.Capabilities}");
                if (hello.Limits is { } limits)
                {
                    AnsiConsole.MarkupLineInterpolated($"limits: {limits.MaxPulsesPerCell} pulses per device per PROGRAM, objects up to {limits.MaxObjectBytes} bytes, idle hosts dropped after {(limits.IdleTimeoutMs == 0 ? "never" : $"{limits.IdleTimeoutMs / 1000.0:0.###} s")}");
                }

                if (hello.PipelineDepth is { } depth)
                {
                    AnsiConsole.MarkupLineInterpolated($"pipeline: up to {depth} requests in flight (this host keeps {chip.Session.PipelineDepth})");
                }

                InfoCommand.Print(new RigFile { Description = $"over {address.Text}" }, chip.Info);
            }

            return 0;
        }));
        return command;
    }
}
