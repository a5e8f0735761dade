using System.Diagnostics;

namespace AimcHil.Hardware.Tests;

/// <summary>DuplexPipe: two connected in-memory streams with a serial port's blocking and timeout behaviour.</summary>
public class DuplexPipeTests
{
    [Fact]
    public void BytesFlowBothWays()
    {
        using var pipe = new DuplexPipe();
        pipe.Host.ReadTimeout = pipe.Device.ReadTimeout = 1000;

        pipe.Host.Write([1, 2, 3]);
        pipe.Device.Write([9, 8]);

        Assert.Equal([1, 2, 3], LinkBytes.ReadExactly(pipe.Device, 3));
        Assert.Equal([9, 8], LinkBytes.ReadExactly(pipe.Host, 2));
    }

    [Fact]
    public void AReadWithNothingToReadTimesOut()
    {
        using var pipe = new DuplexPipe();
        pipe.Device.ReadTimeout = 100;
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<TimeoutException>(() => pipe.Device.ReadByte());

        Assert.Equal("pipe (device end): nothing received within 100 ms (ReadTimeout)", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 95, 600);
    }

    [Fact]
    public async Task AWaitingReadReturnsAsSoonAsBytesArrive()
    {
        using var pipe = new DuplexPipe();
        var pending = Task.Run(() => pipe.Device.ReadByte());
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        pipe.Host.WriteByte(0x5A);

        Assert.Equal(0x5A, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void AReadReturnsWhatIsThereWithoutWaitingToFillTheBuffer()
    {
        using var pipe = new DuplexPipe();
        pipe.Host.Write([1, 2]);

        var n = pipe.Device.Read(new byte[100]);

        Assert.Equal(2, n);
    }

    [Fact]
    public void AFullDirectionTimesOutTheWriter()
    {
        using var pipe = new DuplexPipe(capacity: 4);
        pipe.Host.WriteTimeout = 50;

        var e = Assert.Throws<TimeoutException>(() => pipe.Host.Write(new byte[10]));

        Assert.Equal("pipe (host end): could not send within 50 ms (WriteTimeout): is the other side reading?", e.Message);
    }

    [Fact]
    public async Task OneMegabyteCrossesASmallPipeIntact()
    {
        using var pipe = new DuplexPipe(capacity: 4096);
        var data = LinkBytes.Pattern(1 << 20, seed: 3);

        var reader = Task.Run(() => LinkBytes.ReadExactly(pipe.Device, data.Length));
        pipe.Host.Write(data);

        Assert.Equal(data, await reader.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void ClosingOneEndEndsTheOtherAfterItDrains()
    {
        var pipe = new DuplexPipe();
        pipe.Host.Write([4, 5]);

        pipe.Host.Dispose();

        Assert.Equal([4, 5], LinkBytes.ReadExactly(pipe.Device, 2));
        Assert.Equal(0, pipe.Device.Read(new byte[4]));
        var e = Assert.Throws<IOException>(() => pipe.Device.Write([1]));
        Assert.Equal("pipe (device end): the other end of the pipe is closed", e.Message);
    }

    [Fact]
    public async Task ClosingAnEndReleasesItsOwnWaitingRead()
    {
        var pipe = new DuplexPipe();
        // Its own thread, so the read is surely waiting when the end closes, however busy the pool is.
        var pending = Task.Factory.StartNew(() => pipe.Device.Read(new byte[4]), TaskCreationOptions.LongRunning);
        await Task.Delay(200);

        pipe.Device.Dispose();

        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
    }
}
