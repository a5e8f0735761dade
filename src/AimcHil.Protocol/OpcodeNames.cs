namespace AimcHil.Protocol;

/// <summary>Opcode names as PROTOCOL.md and error messages spell them.</summary>
public static class OpcodeNames
{
    public static string Of(Opcode opcode) => opcode switch
    {
        Opcode.Hello => "HELLO",
        Opcode.GetInfo => "GET_INFO",
        Opcode.Auth => "AUTH",
        Opcode.Program => "PROGRAM",
        Opcode.ReadBack => "READBACK",
        Opcode.ProgramCells => "PROGRAM_CELLS",
        Opcode.Mvm => "MVM",
        Opcode.MvmPacked => "MVM_PACKED",
        Opcode.ClockGet => "CLOCK_GET",
        Opcode.ClockAdvance => "CLOCK_ADVANCE",
        Opcode.Reseed => "RESEED",
        Opcode.Boot => "BOOT",
        _ => $"0x{(ushort)opcode:X4}",
    };
}
