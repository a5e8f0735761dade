using System.Diagnostics;
using AimcHil.Hardware;

namespace AimcHil.Hardware.Tests;

/// <summary>A paced link carries bytes at the line rate of its baud rate (8N1: 10 bits a byte), intact.</summary>
public class PacedStreamTests
{
    [Fact]
    public async Task WritesTakeTheLineTimeOfTheirBytes()
    {
        using var pipe = new DuplexPipe();
        using var paced = new PacedStream(pipe.Host, baudRate: 115200, leaveOpen: true);
        var sent = Enumerable.Range(0, 2304).Select(i => (byte)(i * 7)).ToArray();
        var received = new byte[sent.Length];
        var reader = Task.Run(() => pipe.Device.ReadExactly(received));
        var clock = Stopwatch.StartNew();

        paced.Write(sent);
        await reader.WaitAsync(TimeSpan.FromSeconds(10));

        // 2304 bytes × 10 bits / 115200 bit/s = 0.2 s: never sooner; a loaded machine may only add to it.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.19, 5.0);
        Assert.Equal(sent, received);
    }

    [Fact]
    public void ReadsDeliverNoFasterThanTheLine()
    {
        using var pipe = new DuplexPipe();
        using var paced = new PacedStream(pipe.Device, baudRate: 230400, leaveOpen: true);
        var sent = Enumerable.Range(0, 4608).Select(i => (byte)i).ToArray();
        pipe.Host.Write(sent);
        var received = new byte[sent.Length];
        var clock = Stopwatch.StartNew();

        paced.ReadExactly(received);

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.19, 5.0);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task AnIdleLineDoesNotBankTime()
    {
        using var pipe = new DuplexPipe();
        using var paced = new PacedStream(pipe.Host, baudRate: 115200, leaveOpen: true);
        var drain = Task.Run(() =>
        {
            var sink = new byte[4096];
            var total = 0;
            while (total < 2 * 1152)
            {
                total += pipe.Device.Read(sink);
            }
        });
        paced.Write(new byte[1152]);
        Thread.Sleep(300);
        var clock = Stopwatch.StartNew();

        paced.Write(new byte[1152]);

        await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.095, 5.0);
    }

    [Fact]
    public async Task BothDirectionsRunAtOnceAsAUartsDo()
    {
        using var pipe = new DuplexPipe();
        using var paced = new PacedStream(pipe.Device, baudRate: 115200, leaveOpen: true);
        var answer = new byte[9216];
        var request = Enumerable.Range(0, 9216).Select(i => (byte)(i * 3)).ToArray();
        var drain = Task.Run(() => pipe.Host.ReadExactly(new byte[answer.Length]));

        // The host sends its next request while the rig is still sending its answer (0.8 s of line each way).
        pipe.Host.Write(request);
        paced.Write(answer);
        var clock = Stopwatch.StartNew();
        var received = new byte[request.Length];
        paced.ReadExactly(received);

        // The request crossed the line during the answer: reading it costs nothing like its own 0.8 s again.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.0, 0.4);
        Assert.Equal(request, received);
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ADisposedLineLeavesTheNextOwnerItsBytes()
    {
        using var pipe = new DuplexPipe();
        new PacedStream(pipe.Device, baudRate: 115200, leaveOpen: true).Dispose();
        pipe.Host.Write([1, 2, 3]);
        pipe.Device.ReadTimeout = 2000;
        var received = new byte[3];

        pipe.Device.ReadExactly(received);

        Assert.Equal([1, 2, 3], received);
    }

    [Fact]
    public void AQuietLineTimesOutAReadAsTheInnerLinkWould()
    {
        using var pipe = new DuplexPipe();
        using var paced = new PacedStream(pipe.Device, baudRate: 115200, leaveOpen: true) { ReadTimeout = 50 };

        Assert.Throws<TimeoutException>(() => paced.Read(new byte[4]));
    }
}
