using System.Collections.Concurrent;

namespace AimcHil.Protocol;

/// <summary>One request's exchange on the host side: its sequence number, the frames the reader routed to it, and
/// its place in a pipeline when it has one.</summary>
internal sealed class Conversation(ushort sequence, BlockingCollection<Frame> inbox, Pipeline? pipeline, int index, Action close) : IDisposable
{
    public ushort Sequence { get; } = sequence;

    /// <summary>The frames of this sequence number, in arrival order.</summary>
    public BlockingCollection<Frame> Inbox { get; } = inbox;

    /// <summary>Whether this exchange is one of a pipeline (protocol 1.3).</summary>
    public bool Pipelined => pipeline is not null;

    /// <summary>Whether silence is no sign of a lost frame now: the rig has yet to finish requests sent before this
    /// one, or is executing one sent after it.</summary>
    public bool Excused => pipeline?.Excused(index) ?? false;

    /// <summary>Blocks until every earlier request of the pipeline is on the wire.</summary>
    public void WaitForTurn() => pipeline?.WaitForTurn(index);

    /// <summary>This request is on the wire (its COMMIT, for an upload): the next may go.</summary>
    public void EndTurn() => pipeline?.EndTurn(index);

    /// <summary>The rig said WORKING: it is executing this request.</summary>
    public void Working() => pipeline?.Working(index);

    /// <summary>The rig answered: it no longer executes this request.</summary>
    public void Executed() => pipeline?.Executed(index);

    public void Dispose() => close();
}
