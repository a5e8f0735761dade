namespace AimcHil.Hardware;

/// <summary>The fault injector's random stream: SplitMix64, so a seed replays the same faults on every machine and
/// .NET version (System.Random promises neither; AimcHil.Numerics' SeededRandom is out of reach, Hardware depends on
/// Core only).</summary>
internal sealed class FaultDice(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive) => (int)((Next() >> 33) * (ulong)maxExclusive >> 31);

    /// <summary>True with probability <paramref name="rate"/>; draws nothing when the rate is 0, so a fault that is
    /// off never shifts the stream of the others.</summary>
    public bool Chance(double rate) => rate > 0 && NextDouble() < rate;

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
