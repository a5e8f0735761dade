using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Buses;

/// <summary>Splits one SPI message into the kernel messages spidev can take: it copies every segment through a
/// bounce buffer of <c>bufsiz</c> bytes (4096 by default), rounding each segment up to the DMA alignment, and an
/// SPI_IOC_MESSAGE carries at most 511 segments. Chip select is released at the end of every kernel message, so a
/// message that has to be split is no longer one chip-select frame: devices that need a long frame under one
/// select need a larger bufsiz (spidev.bufsiz=65536 on the kernel command line).</summary>
internal static class SpidevChunks
{
    /// <summary>The kernel messages for <paramref name="segments"/>, in order. Whole segments are kept together while
    /// they fit; a segment that does not fit behind the segments before it starts a new kernel message; a segment
    /// longer than a whole buffer is cut into buffer-sized pieces, one kernel message each, and only its last piece
    /// keeps its delay and chip-select release.</summary>
    public static List<SpiTransfer[]> Split(IReadOnlyList<SpiTransfer> segments, int bufferSize, int alignment = Spi.BufferAlignment, int maxSegments = Spi.MaxSegmentsPerMessage)
    {
        if (alignment < 1 || bufferSize < alignment)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, $"the spidev buffer must hold at least one aligned segment ({alignment} bytes)");
        }

        // The largest piece whose aligned size still fits the buffer.
        var pieceLength = bufferSize / alignment * alignment;
        var messages = new List<SpiTransfer[]>();
        var current = new List<SpiTransfer>();
        var used = 0;

        void Flush()
        {
            if (current.Count > 0)
            {
                messages.Add([.. current]);
                current.Clear();
                used = 0;
            }
        }

        foreach (var segment in segments)
        {
            var cost = Aligned(segment.Length, alignment);
            if (current.Count == maxSegments || used + cost > bufferSize)
            {
                Flush();
            }

            if (cost <= bufferSize)
            {
                current.Add(segment);
                used += cost;
                continue;
            }

            for (var offset = 0; offset < segment.Length; offset += pieceLength)
            {
                var length = Math.Min(pieceLength, segment.Length - offset);
                var last = offset + length == segment.Length;
                current.Add(new SpiTransfer(
                    Slice(segment.Write, offset, length),
                    Slice(segment.Read, offset, length),
                    last && segment.DeselectAfter,
                    last ? segment.DelayMicroseconds : (ushort)0));
                used = Aligned(length, alignment);
                if (!last)
                {
                    Flush();
                }
            }
        }

        Flush();
        return messages;
    }

    private static int Aligned(int length, int alignment) => (length + alignment - 1) / alignment * alignment;

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> buffer, int offset, int length) =>
        buffer.IsEmpty ? buffer : buffer.Slice(offset, length);

    private static Memory<byte> Slice(Memory<byte> buffer, int offset, int length) =>
        buffer.IsEmpty ? buffer : buffer.Slice(offset, length);
}
