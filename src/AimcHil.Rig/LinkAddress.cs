using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Rig;

/// <summary>Where a bridge is: a serial device path, or a TCP endpoint written HOST:PORT.</summary>
public sealed record LinkAddress(string Text, string? Host, int TcpPort)
{
    public bool IsTcp => Host is not null;

    /// <summary>"HOST:PORT" (PORT a number, HOST without '/') is TCP; anything else is a serial device path.</summary>
    /// <param name="listening">Port 0 is allowed: a server listening on any free port.</param>
    public static LinkAddress Parse(string text, bool listening = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new AimcException("the port is empty: give a serial device (e.g. /dev/ttyACM0) or HOST:PORT (e.g. 127.0.0.1:5025)");
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && !text.Contains('/', StringComparison.Ordinal))
        {
            var host = text[..colon].Trim('[', ']');
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < (listening ? 0 : 1) || port > 65535)
            {
                throw new AimcException($"{text}: the TCP port must be a number from 1 to 65535 (HOST:PORT, e.g. 127.0.0.1:5025)");
            }

            return new LinkAddress(text, host, port);
        }

        return new LinkAddress(text, null, 0);
    }
}
