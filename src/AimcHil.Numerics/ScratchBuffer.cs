namespace AimcHil.Numerics;

/// <summary>A working buffer that grows to the largest length asked for and is then reused, so a hot path allocates
/// nothing in steady state. Not thread-safe: the owner is used from one thread at a time.</summary>
public struct ScratchBuffer<T>
{
    private T[]? _array;

    /// <summary>A span of exactly <paramref name="length"/> elements; its contents are whatever was left there.</summary>
    public Span<T> Take(int length)
    {
        if (_array is null || _array.Length < length)
        {
            _array = new T[length];
        }

        return _array.AsSpan(0, length);
    }
}
