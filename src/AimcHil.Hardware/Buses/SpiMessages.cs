using System.Device.Spi;
using System.Diagnostics;

namespace AimcHil.Hardware.Buses;

/// <summary>Multi-segment messages on any System.Device SpiDevice: one kernel call on an <see cref="SpiMessageDevice"/>;
/// on a device from another provider (a USB-to-SPI bridge, a binding's own bus) one full-duplex call per chip-select
/// frame, with the segments' delays waited out between calls, so our drivers run there too, only with more calls.</summary>
public static class SpiMessages
{
    extension(SpiDevice device)
    {
        /// <summary>Sends <paramref name="segments"/> as one message where the device can, else frame by frame.</summary>
        public void TransferMessage(IReadOnlyList<SpiTransfer> segments)
        {
            if (device is SpiMessageDevice messages)
            {
                messages.Transfer(segments);
                return;
            }

            ByFrame(segments, (mosi, miso, delayMicroseconds) =>
            {
                device.TransferFullDuplex(mosi, miso);
                // Delays inside a frame cannot be kept between calls; waiting them out after the frame keeps the total.
                if (delayMicroseconds > 0)
                {
                    var wait = Stopwatch.StartNew();
                    while (wait.Elapsed.TotalMicroseconds < delayMicroseconds)
                    {
                        Thread.SpinWait(20);
                    }
                }
            });
        }
    }

    /// <summary>Cuts a message into its chip-select frames and hands each to <paramref name="frame"/> as the bytes
    /// clocked out (zeros where a segment has no write buffer), a zeroed buffer for the bytes clocked in, and the
    /// frame's delays in microseconds; what the frame puts in the second buffer lands in the segments' read buffers.</summary>
    public static void ByFrame(IReadOnlyList<SpiTransfer> segments, Action<byte[], byte[], int> frame)
    {
        var start = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].DeselectAfter || i == segments.Count - 1)
            {
                Frame(segments, start, i, frame);
                start = i + 1;
            }
        }
    }

    private static void Frame(IReadOnlyList<SpiTransfer> segments, int first, int last, Action<byte[], byte[], int> frame)
    {
        var length = 0;
        var delayMicroseconds = 0;
        for (var i = first; i <= last; i++)
        {
            length += segments[i].Length;
            delayMicroseconds += segments[i].DelayMicroseconds;
        }

        var mosi = new byte[length];
        var miso = new byte[length];
        var at = 0;
        for (var i = first; i <= last; i++)
        {
            segments[i].Write.Span.CopyTo(mosi.AsSpan(at));
            at += segments[i].Length;
        }

        frame(mosi, miso, delayMicroseconds);
        at = 0;
        for (var i = first; i <= last; i++)
        {
            var read = segments[i].Read.Span;
            miso.AsSpan(at, read.Length).CopyTo(read);
            at += segments[i].Length;
        }
    }
}
