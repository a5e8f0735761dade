using System.Text;
using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>The NAK payload: u16 error code, then the rest of the payload is a UTF-8 message for people.</summary>
public sealed record NakMessage(ErrorCode Code, string Message)
{
    public byte[] Encode() => new PayloadWriter(2 + Message.Length).U16((ushort)Code).Bytes(Encoding.UTF8.GetBytes(Message)).ToArray();

    public static NakMessage Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var code = (ErrorCode)reader.U16();
        return new NakMessage(code, Encoding.UTF8.GetString(reader.Rest()));
    }

    /// <summary>The exception the host raises: chip errors keep the chip's own message, word for word, so a script
    /// sees the same error over the wire as in process.</summary>
    public Exception ToException(string port, Opcode opcode) => Code switch
    {
        ErrorCode.Chip => new AimcException(Message),
        ErrorCode.Argument => new ArgumentException(Message),
        ErrorCode.Busy => new AimcException($"rig on {port} busy: {Message}; try again later"),
        ErrorCode.Auth => new AimcException($"rig on {port} refused this host: {Message}"),
        _ => new AimcException($"rig on {port} refused {OpcodeNames.Of(opcode)}: {Message} (error 0x{(ushort)Code:X4} {Code})"),
    };
}
