using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>The transmit and receive bytes of a scan of equal-length frames, each its own chip-select cycle, kept
/// between scans so that a read-out loop does not allocate per scan.</summary>
internal sealed class ScanFrames(int frameBytes)
{
    private byte[] _tx = [];
    private byte[] _rx = [];
    private SpiTransfer[] _segments = [];

    public IReadOnlyList<SpiTransfer> Segments => _segments;

    /// <summary>Sizes the scan for <paramref name="frames"/> frames, reusing the last scan's buffers when it had as many.</summary>
    public void Resize(int frames)
    {
        if (_segments.Length == frames)
        {
            return;
        }

        _tx = new byte[frames * frameBytes];
        _rx = new byte[_tx.Length];
        _segments = new SpiTransfer[frames];
        for (var i = 0; i < frames; i++)
        {
            _segments[i] = new SpiTransfer(_tx.AsMemory(i * frameBytes, frameBytes), _rx.AsMemory(i * frameBytes, frameBytes), DeselectAfter: true);
        }
    }

    public Span<byte> Sent(int frame) => _tx.AsSpan(frame * frameBytes, frameBytes);

    public ReadOnlySpan<byte> Received(int frame) => _rx.AsSpan(frame * frameBytes, frameBytes);
}
