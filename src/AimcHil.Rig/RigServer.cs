using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Protocol;

namespace AimcHil.Rig;

/// <summary>Serves one chip to hosts over a pseudo-terminal or a TCP listener, as a bridge does, for as long as the
/// bench runs: one host at a time (a second is answered BUSY), a host that goes away, stops reading or stays idle
/// ends only its own session, and a stop request is honoured at once even while the chip works.</summary>
/// <remarks>The chip's operations cannot be aborted, so the serving runs on a background thread and
/// <see cref="ServeTcp"/> and <see cref="ServePty"/> return as soon as <c>stop</c> fires; an operation still running
/// then ends with the process. Its length is bounded by the pulse budget of <see cref="DeviceServerOptions"/>.</remarks>
public sealed class RigServer(IAimcChip chip, DeviceServerOptions session, Action<string> log, Func<Stream, Stream>? line = null)
{
    /// <summary>Hosts answered BUSY at once; beyond that a connection is closed unanswered (a flood costs no threads).</summary>
    private const int MaxRefusing = 8;

    /// <summary>How long a refused host may take to send its HELLO.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(2);

    /// <summary>How long a stop waits for the serving thread to wind up before returning anyway.</summary>
    private static readonly TimeSpan WindUp = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan SessionNoticesClose = TimeSpan.FromMilliseconds(200);

    private readonly Func<Stream, Stream> _line = line ?? (s => s);
    private int _refusing;

    /// <summary>Serves the hosts that connect to <paramref name="listener"/> until <paramref name="stop"/> fires.</summary>
    public void ServeTcp(TcpLinkListener listener, CancellationToken stop) => RunUntilStopped(() => AcceptLoop(listener, stop), stop);

    /// <summary>Serves whatever host opens the pseudo-terminal's slave until <paramref name="stop"/> fires.</summary>
    public void ServePty(TimedStream master, string name, CancellationToken stop) => RunUntilStopped(() => PtyLoop(master, name, stop), stop);

    private static void RunUntilStopped(Action serve, CancellationToken stop)
    {
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                serve();
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                failure = e;
            }
            catch (Exception)
            {
                // Torn down under a stop (a chip or line closed mid-operation): the process is ending anyway.
            }
            finally
            {
                done.Set();
            }
        })
        { IsBackground = true, Name = "aimc rig server" };
        thread.Start();
        WaitHandle.WaitAny([stop.WaitHandle, done.WaitHandle]);
        // The stop token has fired or the server ended: the wind-up wait must run whatever the token says.
        done.Wait(WindUp, CancellationToken.None);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void AcceptLoop(TcpLinkListener listener, CancellationToken stop)
    {
        Thread? active = null;
        TcpLink? current = null;
        var holder = string.Empty;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                TcpLink link;
                try
                {
                    link = listener.Accept(100);
                }
                catch (TimeoutException)
                {
                    continue;
                }

                var name = link.RemoteEndPoint.ToString();
                // A host that has just closed its end is noticed within the session's 50 ms poll: give it that long,
                // so a host that reconnects at once is not told the rig is busy with itself.
                if (active is { IsAlive: true } && !active.Join(SessionNoticesClose))
                {
                    Refuse(link, name, holder);
                    continue;
                }

                log($"{name} connected");
                (holder, current) = (name, link);
                active = new Thread(() => Serve(link, name, stop)) { IsBackground = true, Name = $"aimc rig session {name}" };
                active.Start();
            }
        }
        finally
        {
            // Wakes a session waiting for its host's next frame; one inside a chip operation ends with the process.
            current?.Dispose();
            active?.Join(WindUp);
        }
    }

    private void Serve(TcpLink link, string name, CancellationToken stop)
    {
        using (link)
        {
            var line = _line(link.BaseStream);
            try
            {
                var server = new DeviceServer(chip, line, session with { HostName = name, Log = log });
                var end = server.Run(stop);
                log(Ended(name, end, server));
            }
            finally
            {
                Release(line, link.BaseStream);
            }
        }
    }

    /// <summary>Answers a second host BUSY on a short-lived thread of its own, so the accept loop goes on at once.</summary>
    private void Refuse(TcpLink link, string name, string holder)
    {
        if (Interlocked.Increment(ref _refusing) > MaxRefusing)
        {
            Interlocked.Decrement(ref _refusing);
            log($"{name} refused: busy ({holder} holds the rig, {MaxRefusing} more hosts are being refused)");
            link.Dispose();
            return;
        }

        log($"{name} refused: busy ({holder} holds the rig)");
        new Thread(() =>
        {
            try
            {
                BusyRefusal.Answer(_line(link.BaseStream), $"another host ({holder}) holds it", RefusalWait);
            }
            finally
            {
                link.Dispose();
                Interlocked.Decrement(ref _refusing);
            }
        })
        { IsBackground = true, Name = $"aimc rig refusal {name}" }.Start();
    }

    /// <summary>A pseudo-terminal has one line for every host: a session that ends (idle, refused) starts afresh on
    /// it, forgetting any half frame and handshake, as a bridge that timed out its host would.</summary>
    private void PtyLoop(TimedStream master, string name, CancellationToken stop)
    {
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var line = _line(master);
            var server = new DeviceServer(chip, line, session with { HostName = $"host on {name}", Log = log, AnnounceBoot = first && session.AnnounceBoot });
            first = false;
            SessionEnd end;
            try
            {
                end = server.Run(stop);
            }
            finally
            {
                // The next session gets a line of its own: a filter left open (a paced line's pump) would take its bytes.
                Release(line, master);
            }

            if (end == SessionEnd.Stopped)
            {
                return;
            }

            log(Ended($"host on {name}", end, server));
            if (end is SessionEnd.Closed or SessionEnd.Lost)
            {
                // The line itself failed: do not spin on it.
                stop.WaitHandle.WaitOne(100);
            }
        }
    }

    /// <summary>Disposes the filter <see cref="_line"/> put on <paramref name="raw"/>, never the raw link itself.</summary>
    private static void Release(Stream line, Stream raw)
    {
        if (!ReferenceEquals(line, raw))
        {
            line.Dispose();
        }
    }

    private string Ended(string name, SessionEnd end, DeviceServer server) => end switch
    {
        SessionEnd.Closed => $"{name} disconnected",
        SessionEnd.Lost => $"{name} lost ({server.LostBecause})",
        SessionEnd.StoppedReading => $"{name} dropped: it stopped reading ({server.LostBecause})",
        SessionEnd.Idle => $"{name} dropped: idle for {session.IdleTimeout.TotalSeconds:0.#} s (no complete frame)",
        SessionEnd.Refused => $"{name} disconnected after a refused authentication",
        _ => $"{name} disconnected: the server is stopping",
    };
}
