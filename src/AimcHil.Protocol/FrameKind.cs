namespace AimcHil.Protocol;

/// <summary>What a frame is (header byte 1).</summary>
public enum FrameKind : byte
{
    /// <summary>Host to device: a request.</summary>
    Request = 1,

    /// <summary>Device to host: the answer to a request.</summary>
    Response = 2,

    /// <summary>Device to host: the request failed; payload is a u16 error code and a UTF-8 message.</summary>
    Nak = 3,

    /// <summary>Either way: a chunk of a bulk object at a byte offset.</summary>
    Data = 4,

    /// <summary>Either way: transfer progress and credit, or the device saying a long request is being worked on.</summary>
    Ack = 5,

    /// <summary>Device to host, unsolicited (the device booted).</summary>
    Event = 6,
}
