namespace AimcHil.Fuzz;

/// <summary>A property the input broke without any exception of the code under test (a round trip that changed a frame,
/// a server that answered INTERNAL): thrown so afl-fuzz records it as a crash like any other.</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
