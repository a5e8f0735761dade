namespace AimcHil.Protocol;

/// <summary>AUTH's request payload (protocol 1.1): the host's 32-byte nonce and its 32-byte HMAC answer to the rig's
/// HELLO challenge. The response payload is the rig's 32-byte proof over the same data.</summary>
public sealed record AuthRequest(byte[] HostNonce, byte[] Answer)
{
    public byte[] Encode() => new PayloadWriter(RigAuthentication.NonceBytes + RigAuthentication.MacBytes).Bytes(HostNonce).Bytes(Answer).ToArray();

    public static AuthRequest Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var request = new AuthRequest(reader.Fixed(RigAuthentication.NonceBytes), reader.Fixed(RigAuthentication.MacBytes));
        reader.End();
        return request;
    }
}
