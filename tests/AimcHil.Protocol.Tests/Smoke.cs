namespace AimcHil.Protocol.Tests; public class Smoke { [Fact] public void Runs() { } }
