using System.Text;

namespace AimcHil.Numerics.Tests;

/// <summary>.npy inputs that the fuzz target npy (tools/fuzz) treats as failures, kept so they stay fixed.</summary>
public class FuzzRegressionTests
{
    /// <summary>A 128-byte file whose header claims a 1.5 GB array: the reader allocated the 1.5 GB before finding the
    /// data missing (under the fuzzer's 1 GiB heap limit, an OutOfMemoryException; on a laptop, a pause and a spike).</summary>
    [Fact]
    public void A_header_claiming_more_data_than_the_file_holds_is_refused_before_allocating_it()
    {
        var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1500000000,), }".PadRight(117) + "\n";
        var file = new MemoryStream([0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. Encoding.Latin1.GetBytes(header)]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(file, "bomb.npy"));

        Assert.Equal("bomb.npy: truncated data: shape (1500000000,) of '|u1' needs 1500000000 bytes, found 0", e.Message);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"reading a 128-byte file allocated {allocated} bytes");
    }
}
