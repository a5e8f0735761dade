namespace AimcHil.Core;

/// <summary>A chip reached over a link that can fail (a serial or TCP bridge): what keeping the link working has
/// cost so far, for run summaries.</summary>
public interface ILinkedChip
{
    LinkStatistics Link { get; }
}

/// <summary>How a link has fared: requests made, frames sent again, damaged frames dropped, rig resets noticed and
/// tiles programmed again from the host's shadow after those resets.</summary>
public sealed record LinkStatistics(long Requests, long Retries, long DroppedFrames, long RigResets, long TilesReprogrammed);
