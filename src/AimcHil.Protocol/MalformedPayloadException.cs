namespace AimcHil.Protocol;

/// <summary>A payload that does not follow its message's layout (short, long, or inconsistent).</summary>
public sealed class MalformedPayloadException : Exception
{
    public MalformedPayloadException(string message)
        : base(message)
    {
    }
}
