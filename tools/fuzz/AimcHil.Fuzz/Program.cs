using AimcHil.Fuzz;
using SharpFuzz;

// aimc-fuzz TARGET                 serve afl-fuzz (SharpFuzz's out-of-process fork server; one run on stdin without afl-fuzz)
// aimc-fuzz replay TARGET FILE...  run saved inputs, printing what each one threw (for crashes afl-fuzz found)
// aimc-fuzz seeds FOLDER           write the seed corpus, one subfolder per target
switch (args)
{
    case ["seeds", var folder]:
        SeedCorpus.Write(folder);
        return 0;

    case ["replay", var name, .. var files] when files.Length > 0:
        var target = FuzzTarget.Named(name);
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: ok");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{file}: {e}");
            }
        }

        return failed == 0 ? 0 : 1;

    case [var name] when FuzzTarget.All.Any(t => t.Name == name):
        var fuzzed = FuzzTarget.Named(name);
        // Out of process: on a hang afl-fuzz kills the process it was told runs the input, and in SharpFuzz's in-process
        // loop that is the fork server itself ("Unable to communicate with fork server", the run aborts). Here it is a
        // child that the server restarts.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var input = new MemoryStream();
            stream.CopyTo(input);
            fuzzed.Run(input.ToArray());
        });
        return 0;

    default:
        Console.Error.WriteLine($"usage: aimc-fuzz {{{string.Join("|", FuzzTarget.All.Select(t => t.Name))}}} | replay TARGET FILE... | seeds FOLDER");
        return 2;
}
