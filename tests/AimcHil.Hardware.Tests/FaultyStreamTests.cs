using System.Diagnostics;
using AimcHil.Core;
using FsCheck;
using FsCheck.Xunit;

namespace AimcHil.Hardware.Tests;

/// <summary>FaultyStream: seeded, deterministic damage at about the configured rates, counted, on either direction.</summary>
public class FaultyStreamTests
{
    [Fact]
    public void WithoutFaultsBytesPassUnchangedBothWays()
    {
        using var pipe = new DuplexPipe();
        using var faulty = new FaultyStream(pipe.Host, new FaultProfile(), seed: 1, leaveOpen: true);
        var data = LinkBytes.Pattern(10_000, seed: 5);

        faulty.Write(data);
        pipe.Device.Write(data);

        Assert.Equal(data, LinkBytes.ReadExactly(pipe.Device, data.Length));
        Assert.Equal(data, LinkBytes.ReadExactly(faulty, data.Length));
        Assert.Equal(0, faulty.Counters.Injected);
        Assert.Equal(20_000, faulty.Counters.Bytes);
    }

    [Fact]
    public void TheSameSeedGivesTheSameDamageAndAnotherSeedDifferentDamage()
    {
        var profile = new FaultProfile { BitFlipRate = 0.01, ByteDropRate = 0.005, FrameDropRate = 0.05, FrameDuplicateRate = 0.05, FrameSwapRate = 0.05 };
        var input = Frames(500);

        var (a, countersA) = DamageWrites(profile, 42, input, [input.Length]);
        var (b, countersB) = DamageWrites(profile, 42, input, [input.Length]);
        var (c, _) = DamageWrites(profile, 43, input, [input.Length]);

        Assert.Equal(a, b);
        Assert.Equal(countersA, countersB);
        Assert.NotEqual(a, c);
        Assert.True(countersA.Injected > 0);
    }

    /// <summary>The damage depends on the bytes only, never on how writes cut them: a test that fails replays
    /// exactly, whatever the timing.</summary>
    [Property(MaxTest = 50)]
    public bool TheDamageDoesNotDependOnHowWritesCutTheBytes(PositiveInt[] cuts, ulong seed)
    {
        var profile = new FaultProfile { BitFlipRate = 0.02, ByteDropRate = 0.01, FrameDropRate = 0.1, FrameDuplicateRate = 0.1, FrameSwapRate = 0.1 };
        var input = Frames(60);
        var chunks = cuts.Select(c => c.Get % 37 + 1).DefaultIfEmpty(input.Length).ToArray();

        var whole = DamageWrites(profile, seed, input, [input.Length]);
        var cut = DamageWrites(profile, seed, input, chunks);

        return whole.Output.SequenceEqual(cut.Output) && whole.Counters == cut.Counters;
    }

    [Fact]
    public void BitFlipsHitAboutTheConfiguredShareOfBytesOneBitEach()
    {
        var input = LinkBytes.Pattern(100_000, seed: 6);

        var (output, counters) = DamageWrites(new FaultProfile { BitFlipRate = 0.01 }, 7, input, [input.Length]);

        Assert.Equal(input.Length, output.Length);
        var changed = input.Zip(output).Where(p => p.First != p.Second).ToList();
        Assert.Equal(counters.BitFlips, changed.Count);
        Assert.All(changed, p => Assert.Equal(1, int.PopCount(p.First ^ p.Second)));
        Assert.InRange(counters.BitFlips, 850, 1150); // 1000 expected, sd ~31
    }

    [Fact]
    public void DroppedBytesAreAboutTheConfiguredShareAndTheRestKeepsItsOrder()
    {
        var input = Enumerable.Range(0, 50_000).Select(i => (byte)(i % 251 + 1)).ToArray();

        var (output, counters) = DamageWrites(new FaultProfile { ByteDropRate = 0.02 }, 8, input, [input.Length]);

        Assert.Equal(input.Length - counters.DroppedBytes, output.Length);
        Assert.InRange(counters.DroppedBytes, 850, 1150); // 1000 expected
        Assert.True(IsSubsequence(output, input));
    }

    [Fact]
    public void DroppedFramesVanishWholeAndTheOthersArriveInOrder()
    {
        var input = Frames(4000);

        var (output, counters) = DamageWrites(new FaultProfile { FrameDropRate = 0.1 }, 9, input, [input.Length]);

        var frames = FrameNumbers(output);
        Assert.Equal(4000, counters.Frames);
        Assert.InRange(counters.DroppedFrames, 340, 460); // 400 expected
        Assert.Equal(4000 - counters.DroppedFrames, frames.Count);
        Assert.Equal(frames.Order(), frames);
        Assert.Equal(frames.Distinct(), frames);
    }

    [Fact]
    public void DuplicatedFramesArriveTwiceInARow()
    {
        var input = Frames(4000);

        var (output, counters) = DamageWrites(new FaultProfile { FrameDuplicateRate = 0.05 }, 10, input, [input.Length]);

        var frames = FrameNumbers(output);
        Assert.InRange(counters.DuplicatedFrames, 160, 240); // 200 expected
        Assert.Equal(4000 + counters.DuplicatedFrames, frames.Count);
        Assert.Equal(Enumerable.Range(0, 4000), frames.Distinct());
        Assert.Equal(counters.DuplicatedFrames, frames.Zip(frames.Skip(1)).Count(p => p.First == p.Second));
    }

    [Fact]
    public void SwappedFramesTradePlacesWithTheirNeighbour()
    {
        var input = Frames(4000);

        var (output, counters) = DamageWrites(new FaultProfile { FrameSwapRate = 0.1 }, 11, input, [input.Length]);

        var frames = FrameNumbers(output);
        Assert.Equal(Enumerable.Range(0, 4000), frames.Order());
        var swaps = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i] != i)
            {
                Assert.Equal(i + 1, frames[i]);
                Assert.Equal(i, frames[i + 1]);
                swaps++;
                i++;
            }
        }

        Assert.Equal(counters.SwappedFrames, swaps);
        // A frame held for a swap cannot be picked itself, so the share is r / (1 + r) = 9.1 %, about 364 of 4000.
        Assert.InRange(counters.SwappedFrames, 300, 430);
    }

    [Fact]
    public void LoneDelimitersAreNeverDropped()
    {
        var input = Enumerable.Repeat((byte)0, 1000).ToArray();

        var (output, counters) = DamageWrites(new FaultProfile { FrameDropRate = 1 }, 12, input, [input.Length]);

        Assert.Equal(input, output);
        Assert.Equal(0, counters.Frames);
    }

    [Fact]
    public void DelaysHoldFramesBackForTheConfiguredTime()
    {
        using var pipe = new DuplexPipe();
        using var faulty = new FaultyStream(pipe.Host, new FaultProfile { DelayRate = 0.5, Delay = TimeSpan.FromMilliseconds(10) }, seed: 13, leaveOpen: true);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 20; i++)
        {
            faulty.Write([(byte)(i + 1), 0]);
        }

        var delays = faulty.Counters.Delays;
        Assert.InRange(delays, 4, 16);
        Assert.True(clock.ElapsedMilliseconds >= delays * 10 - 5, $"{delays} delays of 10 ms took only {clock.ElapsedMilliseconds} ms");
        Assert.Equal(40, pipe.Device.Read(new byte[100]));
    }

    [Fact]
    public void OnTheReadSideItDamagesWhatComesInAndLeavesWritesAlone()
    {
        using var pipe = new DuplexPipe();
        pipe.Device.ReadTimeout = 1000;
        using var faulty = new FaultyStream(pipe.Host, new FaultProfile { FrameDropRate = 0.5, Direction = FaultDirection.Reads }, seed: 14, leaveOpen: true)
        {
            ReadTimeout = 1000,
        };
        var input = Frames(200);

        faulty.Write(input);
        Assert.Equal(input, LinkBytes.ReadExactly(pipe.Device, input.Length));
        pipe.Device.Write(input);
        pipe.Device.Dispose(); // the end of the stream lets the reader see every surviving frame
        var received = new MemoryStream();
        faulty.CopyTo(received);

        Assert.Equal(FaultCounters.Zero, faulty.WriteCounters);
        Assert.InRange(faulty.ReadCounters.DroppedFrames, 70, 130);
        Assert.Equal(200 - faulty.ReadCounters.DroppedFrames, FrameNumbers(received.ToArray()).Count);
    }

    [Fact]
    public void ReadsWaitThroughDroppedFramesUntilOneSurvives()
    {
        using var pipe = new DuplexPipe();
        using var faulty = new FaultyStream(pipe.Host, new FaultProfile { FrameDropRate = 0.5, Direction = FaultDirection.Reads }, seed: 15, leaveOpen: true)
        {
            ReadTimeout = 2000,
        };

        pipe.Device.Write(Frames(20));
        var first = faulty.Read(new byte[64]);

        Assert.True(first > 0);
        Assert.True(faulty.ReadCounters.Frames >= 1);
    }

    [Fact]
    public async Task CountersCanBeReadWhileAReadWaits()
    {
        using var pipe = new DuplexPipe();
        using var faulty = new FaultyStream(pipe.Host, new FaultProfile { FrameDropRate = 0.5 }, seed: 17, leaveOpen: true);
        // Its own thread, so the read is surely waiting, however busy the pool is.
        var pending = Task.Factory.StartNew(() => faulty.Read(new byte[8]), TaskCreationOptions.LongRunning);
        await Task.Delay(200);

        var counters = await Task.Factory.StartNew(() => faulty.Counters, TaskCreationOptions.LongRunning).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(FaultCounters.Zero, counters);
        pipe.Device.Dispose();
        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(1.5, 0, "fault profile: BitFlipRate = 1.5: must be a probability between 0 and 1")]
    [InlineData(-0.1, 0, "fault profile: BitFlipRate = -0.1: must be a probability between 0 and 1")]
    [InlineData(0, double.NaN, "fault profile: FrameDropRate = NaN: must be a probability between 0 and 1")]
    [InlineData(0, 0.8, "fault profile: FrameDropRate + FrameDuplicateRate + FrameSwapRate = 1.2: a frame has one fate, so they must add up to at most 1")]
    public void AnImpossibleProfileIsRefusedNamingTheSetting(double bitFlipRate, double frameDropRate, string message)
    {
        var profile = new FaultProfile { BitFlipRate = bitFlipRate, FrameDropRate = frameDropRate, FrameDuplicateRate = 0.2, FrameSwapRate = 0.2 };
        using var pipe = new DuplexPipe();

        var e = Assert.Throws<AimcException>(() => new FaultyStream(pipe.Host, profile, seed: 1));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ANegativeDelayIsRefused()
    {
        using var pipe = new DuplexPipe();

        var e = Assert.Throws<AimcException>(() => new FaultyStream(pipe.Host, new FaultProfile { Delay = TimeSpan.FromMilliseconds(-5) }, seed: 1));

        Assert.Equal("fault profile: Delay = -5 ms: must not be negative", e.Message);
    }

    private static (byte[] Output, FaultCounters Counters) DamageWrites(FaultProfile profile, ulong seed, byte[] input, int[] chunks)
    {
        var sink = new MemoryStream();
        using var faulty = new FaultyStream(sink, profile with { Direction = FaultDirection.Writes }, seed, leaveOpen: true);
        var offset = 0;
        var k = 0;
        while (offset < input.Length)
        {
            var n = Math.Min(chunks[k++ % chunks.Length], input.Length - offset);
            faulty.Write(input, offset, n);
            offset += n;
        }

        return (sink.ToArray(), faulty.Counters);
    }

    /// <summary>Frames numbered 0..count-1, each two non-zero bytes encoding its number and a 0x00 delimiter.</summary>
    private static byte[] Frames(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => new[] { (byte)(i % 255 + 1), (byte)(i / 255 + 1), (byte)0 })];

    private static List<int> FrameNumbers(byte[] stream)
    {
        var numbers = new List<int>();
        var start = 0;
        for (var i = 0; i < stream.Length; i++)
        {
            if (stream[i] == 0)
            {
                if (i - start == 2)
                {
                    numbers.Add((stream[start] - 1) + 255 * (stream[start + 1] - 1));
                }

                start = i + 1;
            }
        }

        return numbers;
    }

    private static bool IsSubsequence(byte[] part, byte[] whole)
    {
        var j = 0;
        foreach (var b in whole)
        {
            if (j < part.Length && part[j] == b)
            {
                j++;
            }
        }

        return j == part.Length;
    }
}
