namespace AimcHil.Hardware;

/// <summary>Damages one direction of a byte stream as a <see cref="FaultProfile"/> says. Every random draw depends
/// only on the bytes seen so far, never on how they were cut into calls, so a seed replays the same damage
/// whatever the timing of the reads and writes.</summary>
internal sealed class FaultInjector(FaultProfile profile, ulong seed)
{
    private const byte Delimiter = 0x00;

    private readonly FaultDice _dice = new(seed);
    private readonly List<byte> _frame = [];
    private byte[]? _held;
    private bool _atFrameStart = true;
    private long _bytes;
    private long _frames;
    private long _bitFlips;
    private long _droppedBytes;
    private long _droppedFrames;
    private long _duplicatedFrames;
    private long _swappedFrames;
    private long _delays;

    /// <summary>Readable from any thread while another one is inside <see cref="Process"/> (a read may wait there
    /// for a long time), hence the interlocked counts.</summary>
    public FaultCounters Counters => new(
        Interlocked.Read(ref _bytes),
        Interlocked.Read(ref _frames),
        Interlocked.Read(ref _bitFlips),
        Interlocked.Read(ref _droppedBytes),
        Interlocked.Read(ref _droppedFrames),
        Interlocked.Read(ref _duplicatedFrames),
        Interlocked.Read(ref _swappedFrames),
        Interlocked.Read(ref _delays));

    /// <summary>Runs <paramref name="input"/> through the faults, appending what survives to
    /// <paramref name="output"/>; returns how long the caller should wait before passing the output on.</summary>
    public TimeSpan Process(ReadOnlySpan<byte> input, List<byte> output)
    {
        var delay = TimeSpan.Zero;
        foreach (var b in input)
        {
            Interlocked.Increment(ref _bytes);
            if (_atFrameStart && _dice.Chance(profile.DelayRate))
            {
                Interlocked.Increment(ref _delays);
                delay += profile.Delay;
            }

            _atFrameStart = b == Delimiter;
            if (!profile.ReordersFrames)
            {
                EmitByte(b, output);
                continue;
            }

            _frame.Add(b);
            if (b == Delimiter)
            {
                CompleteFrame(output);
            }
        }

        return delay;
    }

    /// <summary>At the end of the stream: lets a partial frame and a held-back frame through, so nothing is lost
    /// that the profile did not decide to lose.</summary>
    public void Drain(List<byte> output)
    {
        EmitFrame([.. _frame], output);
        _frame.Clear();
        if (_held is not null)
        {
            EmitFrame(_held, output);
            _held = null;
        }
    }

    private void CompleteFrame(List<byte> output)
    {
        var frame = _frame.ToArray();
        _frame.Clear();
        if (frame.Length == 1)
        {
            // A lone delimiter carries nothing (senders use one to resynchronize the receiver): never a fault target.
            EmitFrame(frame, output);
            return;
        }

        Interlocked.Increment(ref _frames);
        var u = profile.FrameDropRate + profile.FrameDuplicateRate + profile.FrameSwapRate > 0 ? _dice.NextDouble() : 1.0;
        if (u < profile.FrameDropRate)
        {
            Interlocked.Increment(ref _droppedFrames);
        }
        else if (u < profile.FrameDropRate + profile.FrameDuplicateRate)
        {
            Interlocked.Increment(ref _duplicatedFrames);
            EmitFrame(frame, output);
            EmitFrame(frame, output);
        }
        else if (u < profile.FrameDropRate + profile.FrameDuplicateRate + profile.FrameSwapRate && _held is null)
        {
            _held = frame;
            return;
        }
        else
        {
            EmitFrame(frame, output);
        }

        // A held frame goes out right after the next frame that went out, which makes the two swapped; if that next
        // frame was dropped it waits for one more.
        if (_held is not null && u >= profile.FrameDropRate)
        {
            EmitFrame(_held, output);
            _held = null;
            Interlocked.Increment(ref _swappedFrames);
        }
    }

    private void EmitFrame(byte[] frame, List<byte> output)
    {
        foreach (var b in frame)
        {
            EmitByte(b, output);
        }
    }

    private void EmitByte(byte b, List<byte> output)
    {
        if (_dice.Chance(profile.ByteDropRate))
        {
            Interlocked.Increment(ref _droppedBytes);
            return;
        }

        if (_dice.Chance(profile.BitFlipRate))
        {
            Interlocked.Increment(ref _bitFlips);
            b ^= (byte)(1 << _dice.NextInt(8));
        }

        output.Add(b);
    }
}
