using AimcHil.Core;

namespace AimcHil.Hardware;

/// <summary>What a <see cref="FaultyStream"/> injects and how often. Byte faults are per byte; frame faults are per
/// non-empty frame, a frame being the bytes up to and including a 0x00 delimiter, as COBS framing sends them.
/// Drop, duplicate and swap are exclusive outcomes of one draw, so their rates add up to at most 1.</summary>
public sealed record FaultProfile
{
    /// <summary>Probability that a byte has one of its bits flipped (line noise).</summary>
    public double BitFlipRate { get; init; }

    /// <summary>Probability that a byte is lost (UART overrun).</summary>
    public double ByteDropRate { get; init; }

    /// <summary>Probability that a whole frame is lost.</summary>
    public double FrameDropRate { get; init; }

    /// <summary>Probability that a frame arrives twice in a row.</summary>
    public double FrameDuplicateRate { get; init; }

    /// <summary>Probability that a frame is held back and delivered after the next one (adjacent frames swapped).</summary>
    public double FrameSwapRate { get; init; }

    /// <summary>Probability that a frame is delayed by <see cref="Delay"/> before its first byte goes through.</summary>
    public double DelayRate { get; init; }

    /// <summary>How long a delayed frame waits.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Which direction of the wrapped stream is damaged.</summary>
    public FaultDirection Direction { get; init; } = FaultDirection.Both;

    /// <summary>True when some frame fault needs whole frames buffered before they go through.</summary>
    internal bool ReordersFrames => FrameDropRate > 0 || FrameDuplicateRate > 0 || FrameSwapRate > 0;

    /// <summary>Throws, naming the setting, when a rate is not a probability or the delay is negative.</summary>
    public FaultProfile Validate()
    {
        CheckRate(nameof(BitFlipRate), BitFlipRate);
        CheckRate(nameof(ByteDropRate), ByteDropRate);
        CheckRate(nameof(FrameDropRate), FrameDropRate);
        CheckRate(nameof(FrameDuplicateRate), FrameDuplicateRate);
        CheckRate(nameof(FrameSwapRate), FrameSwapRate);
        CheckRate(nameof(DelayRate), DelayRate);
        var frameOutcomes = FrameDropRate + FrameDuplicateRate + FrameSwapRate;
        if (frameOutcomes > 1)
        {
            throw new AimcException($"fault profile: FrameDropRate + FrameDuplicateRate + FrameSwapRate = {frameOutcomes:0.###}: a frame has one fate, so they must add up to at most 1");
        }

        if (Delay < TimeSpan.Zero)
        {
            throw new AimcException($"fault profile: Delay = {Delay.TotalMilliseconds} ms: must not be negative");
        }

        if (Direction is not (FaultDirection.Writes or FaultDirection.Reads or FaultDirection.Both))
        {
            throw new AimcException($"fault profile: Direction = {(int)Direction}: must be Writes, Reads or Both");
        }

        return this;
    }

    private static void CheckRate(string name, double rate)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new AimcException($"fault profile: {name} = {rate}: must be a probability between 0 and 1");
        }
    }
}
