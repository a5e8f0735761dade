namespace AimcHil.Core;

/// <summary>A chip reached over a link that can fail (a serial or TCP bridge): what keeping the link working has
/// cost so far, for run summaries.</summary>
public interface ILinkedChip
{
    LinkStatistics Link { get; }
}
