namespace AimcHil.Protocol;

/// <summary>The requests a host keeps in flight together (protocol 1.3): the order they go on the wire, and which of
/// them the rig is still busy with, so one request's silence is not mistaken for a lost frame while the rig works
/// through another.</summary>
internal sealed class Pipeline(int count, int depth)
{
    private readonly object _gate = new();
    private readonly bool[] _answered = new bool[count];
    private readonly bool[] _working = new bool[count];
    private int _turn;

    /// <summary>Blocks until requests 0 … <paramref name="index"/> − 1 are on the wire (the rig answers in the order
    /// it receives, so the wire order is the sequence order) and every request <paramref name="index"/> − depth or
    /// older has its answer: the rig caches its last depth answers, which then hold every one still outstanding.</summary>
    public void WaitForTurn(int index)
    {
        lock (_gate)
        {
            while (_turn < index || !AnsweredUpTo(index - depth))
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private bool AnsweredUpTo(int last)
    {
        for (var j = 0; j <= last; j++)
        {
            if (!_answered[j])
            {
                return false;
            }
        }

        return true;
    }

    public void EndTurn(int index)
    {
        lock (_gate)
        {
            if (_turn == index)
            {
                _turn++;
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Working(int index)
    {
        lock (_gate)
        {
            _working[index] = true;
        }
    }

    /// <summary>The rig answered (RSP or NAK): it is done executing this request, even if its bulk answer is still
    /// downloading.</summary>
    public void Executed(int index)
    {
        lock (_gate)
        {
            _working[index] = false;
        }
    }

    public void Answered(int index)
    {
        lock (_gate)
        {
            _answered[index] = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>An earlier request is unanswered (the rig reaches this one after it), or a later one is executing
    /// (the rig is busy, and a chip operation runs to its end). The first request is excused only by the second
    /// rule, and an executing request ends within the execution timeout, so no two requests wait for each other.</summary>
    public bool Excused(int index)
    {
        lock (_gate)
        {
            for (var j = 0; j < index; j++)
            {
                if (!_answered[j])
                {
                    return true;
                }
            }

            for (var j = index + 1; j < _answered.Length; j++)
            {
                if (_working[j] && !_answered[j])
                {
                    return true;
                }
            }

            return false;
        }
    }
}
