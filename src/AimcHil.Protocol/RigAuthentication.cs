using System.Security.Cryptography;
using System.Text;

namespace AimcHil.Protocol;

/// <summary>The shared-secret challenge of protocol 1.1: HMAC-SHA256 keyed with the secret over the rig's whole HELLO
/// answer (which holds its fresh nonce) and the host's own nonce. The secret never goes on the wire; an answer is
/// bound to one HELLO of one connection, so a recorded answer is worthless on any other.</summary>
public static class RigAuthentication
{
    public const int NonceBytes = 32;

    public const int MacBytes = 32;

    // Different labels for the two directions, so the rig's proof can never be replayed as a host's answer.
    private static readonly byte[] HostLabel = Encoding.ASCII.GetBytes("aimc-hil/1.1 auth host");
    private static readonly byte[] RigLabel = Encoding.ASCII.GetBytes("aimc-hil/1.1 auth rig");

    /// <summary>A fresh random nonce from the system's cryptographic generator.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    /// <summary>What the host sends to prove it holds <paramref name="secret"/>.</summary>
    public static byte[] HostAnswer(byte[] secret, byte[] helloAnswer, byte[] hostNonce) => Mac(secret, HostLabel, helloAnswer, hostNonce);

    /// <summary>What the rig sends back to prove it holds the secret too.</summary>
    public static byte[] RigProof(byte[] secret, byte[] helloAnswer, byte[] hostNonce) => Mac(secret, RigLabel, helloAnswer, hostNonce);

    /// <summary>Compares two MACs in constant time.</summary>
    public static bool Same(byte[] expected, byte[] actual) => CryptographicOperations.FixedTimeEquals(expected, actual);

    private static byte[] Mac(byte[] secret, byte[] label, byte[] helloAnswer, byte[] hostNonce)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(label);
        hmac.AppendData(helloAnswer);
        hmac.AppendData(hostNonce);
        return hmac.GetHashAndReset();
    }
}
