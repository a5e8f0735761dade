using System.Device.Spi;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>An SPI device that records every message segment by segment and answers each segment from a script
/// (a function of the bytes sent), as the part on the other end would.</summary>
internal sealed class ScriptedSpi(SpiConnectionSettings settings, Func<byte[], byte[]> respond) : SpiMessageDevice
{
    public ScriptedSpi(Func<byte[], byte[]> respond)
        : this(new SpiConnectionSettings(0, 0), respond)
    {
    }

    public override SpiConnectionSettings ConnectionSettings => settings;

    /// <summary>Each message as its segments: the bytes sent (zeros for a read-only segment) and whether chip select was released.</summary>
    public List<List<(byte[] Sent, bool DeselectAfter)>> Log { get; } = [];

    /// <summary>Answers with fixed replies, one per segment in order, then zeros.</summary>
    public static ScriptedSpi Replying(SpiConnectionSettings settings, params byte[][] replies)
    {
        var next = 0;
        return new ScriptedSpi(settings, sent => next < replies.Length ? replies[next++] : new byte[sent.Length]);
    }

    public static ScriptedSpi Replying(params byte[][] replies) => Replying(new SpiConnectionSettings(0, 0), replies);

    protected override void TransferCore(IReadOnlyList<SpiTransfer> segments)
    {
        var message = new List<(byte[], bool)>();
        foreach (var segment in segments)
        {
            var sent = segment.Write.IsEmpty ? new byte[segment.Length] : segment.Write.ToArray();
            var reply = respond(sent);
            Assert.Equal(sent.Length, reply.Length);
            if (!segment.Read.IsEmpty)
            {
                reply.CopyTo(segment.Read);
            }

            message.Add((sent, segment.DeselectAfter));
        }

        Log.Add(message);
    }
}
