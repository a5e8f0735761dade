namespace AimcHil.Core;

/// <summary>How a link has fared: requests made, frames sent again, damaged frames dropped, rig resets noticed and
/// tiles programmed again from the host's shadow after those resets.</summary>
public sealed record LinkStatistics(long Requests, long Retries, long DroppedFrames, long RigResets, long TilesReprogrammed);
