namespace AimcHil.Core;

/// <summary>A read-back of a tile: the weights it holds and the device arrays behind them.</summary>
public sealed record DeviceStates
{
    public required int Tile { get; init; }

    /// <summary>Effective normalized weights, as the tile uses them in an MVM.</summary>
    public required Grid<float> Weights { get; init; }

    public required IReadOnlyList<DeviceArray> Arrays { get; init; }
}
