namespace AimcHil.Hardware.Tests;

/// <summary>Moves exact byte counts over a link for the tests: a Stream read returns whatever arrived, so
/// receiving N bytes means looping.</summary>
internal static class LinkBytes
{
    public static byte[] ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    public static byte[] Pattern(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
