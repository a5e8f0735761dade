using System.Diagnostics;
using Xunit.Abstractions;

namespace AimcHil.Hardware.Tests;

/// <summary>Measures (prints, does not assert) the round trip of a 16-byte echo through a pseudo-terminal: SerialPort
/// on the slave, an echo server on the master; the floor under any request/response over the serial path.</summary>
public class PtyRoundTripMeasurement(ITestOutputHelper output)
{
    [Fact]
    public async Task MedianRoundTripOfA16ByteEcho()
    {
        using var pty = PseudoTerminal.Open();
        using var port = new SerialPort(pty.SlavePath, 921600) { ReadTimeout = 2000, WriteTimeout = 2000 };
        port.Open();
        pty.Master.ReadTimeout = 2000;
        const int Warmup = 100;
        const int Trips = 1000;
        var server = Task.Run(() =>
        {
            var frame = new byte[16];
            for (var i = 0; i < Warmup + Trips; i++)
            {
                pty.Master.ReadExactly(frame);
                pty.Master.Write(frame);
            }
        });

        var request = LinkBytes.Pattern(16, seed: 16);
        var response = new byte[16];
        var micros = new List<double>(Trips);
        for (var i = 0; i < Warmup + Trips; i++)
        {
            var start = Stopwatch.GetTimestamp();
            port.Write(request);
            port.BaseStream.ReadExactly(response);
            if (i >= Warmup)
            {
                micros.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(request, response);
        micros.Sort();
        output.WriteLine($"16-byte echo over {pty.SlavePath}, {Trips} round trips: median {micros[Trips / 2]:0} µs, " +
                         $"p90 {micros[Trips * 9 / 10]:0} µs, p99 {micros[Trips * 99 / 100]:0} µs, min {micros[0]:0} µs");
    }
}
