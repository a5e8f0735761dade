using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AimcHil.Hardware.Native;
using Xunit.Abstractions;

namespace AimcHil.Hardware.Tests;

/// <summary>The kernel and glibc structs are declared once with explicit layouts; these pin them to the C headers.
/// The expected numbers are the headers' (printed with gcc's sizeof/offsetof on Debian 12 x86_64, glibc 2.36).</summary>
public class NativeLayoutTests(ITestOutputHelper output)
{
    [Fact]
    public void GlibcTermiosMatchesBitsTermiosStructH()
    {
        // /usr/include/x86_64-linux-gnu/bits/termios-struct.h: four tcflag_t (u32), c_line, c_cc[NCCS = 32],
        // then c_ispeed and c_ospeed after 3 bytes of padding: sizeof 60.
        Assert.Equal(60, Unsafe.SizeOf<Termios>());
        Assert.Equal(60, Marshal.SizeOf<Termios>());
        Assert.Equal(0, CProbe.Offset<Termios>(nameof(Termios.InputFlags)));
        Assert.Equal(4, CProbe.Offset<Termios>(nameof(Termios.OutputFlags)));
        Assert.Equal(8, CProbe.Offset<Termios>(nameof(Termios.ControlFlags)));
        Assert.Equal(12, CProbe.Offset<Termios>(nameof(Termios.LocalFlags)));
        Assert.Equal(16, CProbe.Offset<Termios>(nameof(Termios.LineDiscipline)));
        Assert.Equal(17, CProbe.Offset<Termios>(nameof(Termios.ControlCharacters)));
        Assert.Equal(52, CProbe.Offset<Termios>(nameof(Termios.InputSpeed)));
        Assert.Equal(56, CProbe.Offset<Termios>(nameof(Termios.OutputSpeed)));
        Assert.Equal(32, Termios.ControlCharacterCount);
    }

    [Fact]
    public void KernelTermios2MatchesAsmGenericTermbitsH()
    {
        // /usr/include/asm-generic/termbits.h (included by x86_64-linux-gnu/asm/termbits.h): the same four flags and
        // c_line, c_cc[NCCS = 19], then c_ispeed and c_ospeed: sizeof 44.
        Assert.Equal(44, Unsafe.SizeOf<Termios2>());
        Assert.Equal(44, Marshal.SizeOf<Termios2>());
        Assert.Equal(0, CProbe.Offset<Termios2>(nameof(Termios2.InputFlags)));
        Assert.Equal(4, CProbe.Offset<Termios2>(nameof(Termios2.OutputFlags)));
        Assert.Equal(8, CProbe.Offset<Termios2>(nameof(Termios2.ControlFlags)));
        Assert.Equal(12, CProbe.Offset<Termios2>(nameof(Termios2.LocalFlags)));
        Assert.Equal(16, CProbe.Offset<Termios2>(nameof(Termios2.LineDiscipline)));
        Assert.Equal(17, CProbe.Offset<Termios2>(nameof(Termios2.ControlCharacters)));
        Assert.Equal(36, CProbe.Offset<Termios2>(nameof(Termios2.InputSpeed)));
        Assert.Equal(40, CProbe.Offset<Termios2>(nameof(Termios2.OutputSpeed)));
        Assert.Equal(19, Termios2.ControlCharacterCount);
    }

    [Fact]
    public void PollFdMatchesPollH()
    {
        // /usr/include/x86_64-linux-gnu/sys/poll.h: int fd; short events; short revents.
        Assert.Equal(8, Unsafe.SizeOf<PollFd>());
        Assert.Equal(0, CProbe.Offset<PollFd>(nameof(PollFd.Descriptor)));
        Assert.Equal(4, CProbe.Offset<PollFd>(nameof(PollFd.Events)));
        Assert.Equal(6, CProbe.Offset<PollFd>(nameof(PollFd.ReturnedEvents)));
    }

    [Fact]
    public void TheTermios2IoctlsEncodeTheStructsSize()
    {
        // asm-generic/ioctl.h: _IOR/_IOW put sizeof(argument) in bits 16..29; a wrong size would make the kernel
        // copy the wrong number of bytes.
        Assert.Equal((uint)Termios2.Size, (Tty.TcGetS2 >> 16) & 0x3FFF);
        Assert.Equal((uint)Termios2.Size, (Tty.TcSetS2 >> 16) & 0x3FFF);
        Assert.Equal(2u /* _IOC_READ */, Tty.TcGetS2 >> 30);
        Assert.Equal(1u /* _IOC_WRITE */, Tty.TcSetS2 >> 30);
        Assert.Equal(0x542Au, Tty.TcGetS2 & 0xFFFF);
        Assert.Equal(0x542Bu, Tty.TcSetS2 & 0xFFFF);
    }

    /// <summary>Cross-checks every number above with the C compiler when one is installed (it is on developer
    /// machines; a bare CI image may lack gcc, and then the hard-coded tests above are the check).</summary>
    [Fact]
    public void GccAgreesWithTheDeclaredLayoutsWhenGccIsInstalled()
    {
        if (CProbe.Compiler is null)
        {
            output.WriteLine("no C compiler: layouts checked against the hard-coded header values only");
            return;
        }

        // Two programs, because glibc's <termios.h> and the kernel's <asm/termbits.h> both define struct termios.
        var glibc = CProbe.Run("""
            #include <stdio.h>
            #include <stddef.h>
            #include <termios.h>
            #include <poll.h>
            #define T struct termios
            int main(void) {
              printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(T), offsetof(T, c_iflag), offsetof(T, c_oflag),
                offsetof(T, c_cflag), offsetof(T, c_lflag), offsetof(T, c_line), offsetof(T, c_cc), offsetof(T, c_ispeed), offsetof(T, c_ospeed));
              printf("%zu %zu %zu\n", sizeof(struct pollfd), offsetof(struct pollfd, events), offsetof(struct pollfd, revents));
              return 0;
            }
            """);
        var kernel = CProbe.Run("""
            #include <stdio.h>
            #include <stddef.h>
            #include <asm/termbits.h>
            #include <asm/ioctls.h>
            int main(void) {
              printf("%zu %zu %zu %zu\n", sizeof(struct termios2), offsetof(struct termios2, c_cc), offsetof(struct termios2, c_ispeed), offsetof(struct termios2, c_ospeed));
              printf("%lu %lu %u %u %u\n", (unsigned long)TCGETS2, (unsigned long)TCSETS2, (unsigned)BOTHER, (unsigned)CBAUD, (unsigned)CIBAUD);
              return 0;
            }
            """);
        output.WriteLine(glibc + kernel);
        var stdout = glibc + kernel;

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{Termios.Size} 0 4 8 12 16 17 52 56", lines[0]);
        Assert.Equal($"{PollFd.Size} 4 6", lines[1]);
        Assert.Equal($"{Termios2.Size} 17 36 40", lines[2]);
        Assert.Equal($"{Tty.TcGetS2} {Tty.TcSetS2} {Tty.BOther} {Tty.CBaud} {Tty.CIBaud}", lines[3]);
    }
}
