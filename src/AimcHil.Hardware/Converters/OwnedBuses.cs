namespace AimcHil.Hardware.Converters;

/// <summary>The bus devices a driver disposes with itself: all of them when it was built with shouldDispose (the
/// dotnet/iot default), none when the caller keeps them (a rig whose buses outlive and are shared among its drivers).</summary>
internal sealed class OwnedBuses(bool shouldDispose, params IDisposable?[] devices)
{
    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (shouldDispose)
        {
            foreach (var device in devices)
            {
                device?.Dispose();
            }
        }
    }
}
