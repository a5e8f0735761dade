using AimcHil.Core;

namespace AimcHil.Training.Tests.Interchange;

/// <summary>Damages a good file every way a short one can be damaged (cut at every length, each byte flipped by a few
/// masks) and checks each read either succeeds or fails with one <see cref="AimcException"/> line naming the file:
/// never another exception type.</summary>
internal static class DamageSweep
{
    public static void AssertEveryCutAndFlip(byte[] golden, string source, Action<byte[]> read)
    {
        for (var length = 0; length < golden.Length; length++)
        {
            AssertOneLine(source, () => read(golden[..length]));
        }

        for (var position = 0; position < golden.Length; position++)
        {
            foreach (var flip in new byte[] { 0x01, 0x20, 0x80, 0xFF })
            {
                var damaged = (byte[])golden.Clone();
                damaged[position] ^= flip;
                AssertOneLine(source, () => read(damaged));
            }
        }
    }

    private static void AssertOneLine(string source, Action read)
    {
        try
        {
            read();
        }
        catch (AimcException e)
        {
            Assert.StartsWith($"{source}: ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
        }
    }
}
