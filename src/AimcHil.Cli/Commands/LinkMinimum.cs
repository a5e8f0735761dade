namespace AimcHil.Cli.Commands;

/// <summary>The fewest wire bytes the firmware protocol's framing could carry a request's information in: the codes
/// and targets at their bit width, a changed-cell set at its entropy, each direction cut into frames of at most
/// max_payload bytes with a header, a CRC, COBS code bytes and a delimiter each (nothing else: no bulk descriptors,
/// chunk offsets, acknowledgements, dimensions or report fields).</summary>
internal static class LinkMinimum
{
    /// <summary>Header, CRC and delimiter of one frame.</summary>
    private const int FrameBytes = 12 + 4 + 1;

    /// <summary>Wire bytes of <paramref name="payload"/> bytes in frames of at most <paramref name="maxPayload"/>.</summary>
    public static long Framed(long payload, int maxPayload)
    {
        long wire = 0;
        var left = payload;
        do
        {
            var chunk = Math.Min(left, maxPayload);
            var raw = chunk + FrameBytes - 1;
            wire += raw + (raw / 254) + 1 + 1;
            left -= chunk;
        }
        while (left > 0);

        return wire;
    }

    /// <summary>One MVM: batch × n input codes at the DAC's width up, batch × cols output codes at the ADC's down.</summary>
    public static (long Up, long Down) Mvm(int batch, int n, int cols, int dacBits, int adcBits, int maxPayload) =>
        (Framed(Bits(1L * batch * n * dacBits), maxPayload), Framed(Bits(1L * batch * cols * adcBits), maxPayload));

    /// <summary>Reprogramming <paramref name="changed"/> of <paramref name="cells"/> cells: which ones (log2 of the
    /// number of such sets) and their targets at <paramref name="targetBits"/> up; the pulses spent (8 bytes) down.</summary>
    public static (long Up, long Down) Reprogram(long cells, long changed, int targetBits, int maxPayload) =>
        (Framed(Bits(Log2Choose(cells, changed) + (changed * targetBits)), maxPayload), Framed(8, maxPayload));

    /// <summary>log2 of n choose k, in whole bits rounded up.</summary>
    public static long Log2Choose(long n, long k)
    {
        double bits = 0;
        for (long i = 0; i < Math.Min(k, n - k); i++)
        {
            bits += Math.Log2((double)(n - i) / (i + 1));
        }

        return (long)Math.Ceiling(bits);
    }

    private static long Bits(double bits) => (long)Math.Ceiling(bits / 8);
}
