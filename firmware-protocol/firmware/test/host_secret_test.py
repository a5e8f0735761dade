#!/usr/bin/env python3
"""The host target's --secret-file, against the rules of `aimc emulate --secret-file` (AimcHil.Protocol.SharedSecret):
a directory, a missing file, one that group or others may read, an empty one (a line end alone) and one over 4096 bytes
are each refused in one line, exit 2, with the C# wording and the path as .NET's Path.GetFullPath spells it; a private
file is accepted (the pty's path on stdout, exit 0 on SIGTERM).

usage: host_secret_test.py AIMC_FIRMWARE_HOST
"""
import os
import signal
import subprocess
import sys
import tempfile

failures = 0


def check(condition, what):
    global failures
    if not condition:
        failures += 1
        print("check failed: " + what, file=sys.stderr)


def refused(binary, cwd, path, expected):
    run = subprocess.run([binary, "--secret-file", path], cwd=cwd, capture_output=True, text=True, timeout=10)
    line = "aimc-firmware-host: error: " + expected + "\n"
    check(run.returncode == 2, "%s: exit code %d, expected 2" % (path, run.returncode))
    check(run.stderr == line, "%s: stderr %r, expected %r" % (path, run.stderr, line))
    check(run.stdout == "", "%s: stdout %r, expected nothing" % (path, run.stdout))


def accepted(binary, cwd, path):
    firmware = subprocess.Popen([binary, "--secret-file", path], cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    first = firmware.stdout.readline()
    firmware.send_signal(signal.SIGTERM)
    _, error = firmware.communicate(timeout=10)
    check(first.startswith("/dev/pts/"), "%s: first line %r, expected the pty's path" % (path, first))
    check(firmware.returncode == 0 and error == "", "%s: exit %d, stderr %r" % (path, firmware.returncode, error))


def secret(directory, name, data, mode):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="aimc-secret-") as d:
        d = os.path.realpath(d)
        os.mkdir(os.path.join(d, "sub"))
        secret(d, "shared", b"s3cret\n", 0o640)
        secret(d, "world", b"s3cret\n", 0o604)
        secret(d, "empty", b"\r\n\n", 0o600)
        secret(d, "large", b"x" * 4097 + b"\n", 0o600)
        secret(d, "good", b"bench secret\r\n", 0o600)
        secret(d, "full", b"x" * 4096 + b"\n", 0o600)

        refused(binary, d, "shared",
                "%s/shared: the secret file may be read by other users; make it private: chmod 600 shared" % d)
        refused(binary, d, "world",
                "%s/world: the secret file may be read by other users; make it private: chmod 600 world" % d)
        refused(binary, d, "empty",
                "%s/empty: the secret file is empty; put a long random secret in it, e.g. head -c 32 /dev/urandom | "
                "base64 > empty" % d)
        refused(binary, d, "sub/./../missing",
                "%s/missing: no such secret file; create one readable only by you, e.g. head -c 32 /dev/urandom | "
                "base64 > sub/./../missing && chmod 600 sub/./../missing" % d)
        refused(binary, "/", d + "/sub",
                "%s/sub: is a directory, not a secret file; name a file holding the shared secret" % d)
        refused(binary, d, "large",
                "%s/large: the secret file holds more than 4096 bytes; a secret of 32 random bytes is enough, e.g. "
                "head -c 32 /dev/urandom | base64 > large" % d)
        accepted(binary, d, "good")
        accepted(binary, os.path.join(d, "sub"), "../full")
    print("host_secret_test: " + ("all checks passed" if failures == 0 else "%d checks failed" % failures))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
