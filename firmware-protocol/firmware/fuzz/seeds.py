#!/usr/bin/env python3
"""Writes one seed file per golden frame (its wire bytes) for the libFuzzer targets: usage seeds.py FRAMES_JSON DIR.
session_fuzz reads its first byte as a switch (bit 0: start after HELLO), so each seed is written both ways for it;
and, for its structured mode (bit 1: records framed by the harness, see fuzz/session_fuzz.c), one seed per request
of the soft chip it serves (8x8, 2 tiles), including a bulk upload and download at max payload 64; and with bit 2
(the rig has a shared secret) AUTH answered right (record kind 7, the harness computes the answer) and its refusals:
a wrong answer, a short AUTH, a second one, a request before AUTH."""
import json
import os
import struct
import sys

# Indices into session_fuzz.c's opcode table.
HELLO, GET_INFO, AUTH, PROGRAM, READBACK, PROGRAM_CELLS, MVM, MVM_PACKED, CLOCK_GET, CLOCK_ADVANCE, RESEED = range(11)
REQ, DATA, ACK = 1, 4, 5
AUTH_RECORD = 7


def record(kind, sequence, opcode, flags, payload):
    return struct.pack("<BBBBH", kind, sequence, opcode, flags, len(payload)) + payload


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def structured_seeds():
    program = struct.pack("<i??di ii", 0, False, True, 0.02, 10, 2, 2) + struct.pack("<4f", 0.5, -0.25, 1, -1)
    mvm = struct.pack("<iii", 1, 2, 3) + struct.pack("<6i", 1, -2, 3, 127, -127, 0)
    packed = struct.pack("<iiiIB", 0, 1, 3, 0, 8) + bytes([1, 0xFF, 5])
    gaps = struct.pack("<i?di ii BBB", 0, True, 0.02, 10, 4, 4, 1, 1, 1) + struct.pack("<I", 2) + bytes([1, 3]) \
        + struct.pack("<2h", 8192, -16384)
    bitmap = struct.pack("<i?di ii BBB", 1, False, 0, 1, 2, 4, 0, 0, 2) + bytes([0x81]) + struct.pack("<2f", 0.5, 1)
    hello64 = bytes([1, 2]) + struct.pack("<HI", 2, 64)
    big = struct.pack("<i??di ii", 0, False, False, 0, 1, 8, 8) + struct.pack("<64f", *[(k % 15 - 7) / 7 for k in range(64)])
    descriptor = struct.pack("<II", len(big), crc32c(big))
    upload = record(REQ, 1, HELLO, 0, hello64) + record(REQ, 2, PROGRAM, 1, descriptor)
    for offset in range(0, len(big), 60):
        upload += record(DATA, 2, PROGRAM, 0, struct.pack("<I", offset) + big[offset:offset + 60])
    upload += record(REQ, 2, PROGRAM, 2, descriptor) + record(ACK, 2, PROGRAM, 0, struct.pack("<IH", 0, 2)) \
        + record(ACK, 2, PROGRAM, 4, struct.pack("<IH", 60, 4)) + record(REQ, 2, PROGRAM, 2, descriptor)
    return {
        "info": record(REQ, 2, GET_INFO, 0, b"") + record(REQ, 0, GET_INFO, 0, b""),
        "program": record(REQ, 2, PROGRAM, 0, program) + record(REQ, 3, READBACK, 0, struct.pack("<i", 0)),
        "mvm": record(REQ, 2, PROGRAM, 0, program) + record(REQ, 3, MVM, 0, mvm) + record(REQ, 0, MVM, 0, mvm),
        "mvm-packed": record(REQ, 2, MVM_PACKED, 0, packed) + record(REQ, 3, MVM_PACKED, 0, packed[:12] + b"\x00\x00\x00\x00" + packed[16:]),
        "program-cells": record(REQ, 2, PROGRAM_CELLS, 0, gaps) + record(REQ, 3, PROGRAM_CELLS, 0, bitmap),
        "clock": record(REQ, 2, CLOCK_GET, 0, b"") + record(REQ, 3, CLOCK_ADVANCE, 0, struct.pack("<d", 1.5))
        + record(REQ, 4, RESEED, 0, struct.pack("<Q", 7)) + record(REQ, 5, AUTH, 0, bytes(64)),
        "idle": record(REQ, 2, CLOCK_GET, 0, b"") + struct.pack("<BBBBH", 0, 0, 0, 0, 4000) + record(REQ, 3, CLOCK_GET, 0, b""),
        "bulk": upload,
        # With the secret (first byte bit 2): record kind 7 is AUTH with the answer the harness computes; a nonce
        # ending in 0xFF spoils it.
        "auth": record(AUTH_RECORD, 2, AUTH, 0, bytes(range(32))) + record(REQ, 3, GET_INFO, 0, b"")
        + record(REQ, 4, PROGRAM, 0, program) + record(REQ, 5, MVM, 0, mvm),
        "auth-refused": record(REQ, 2, GET_INFO, 0, b"") + record(AUTH_RECORD, 3, AUTH, 0, bytes(31) + b"\xff")
        + record(REQ, 4, GET_INFO, 0, b""),
        "auth-wrong": record(REQ, 2, AUTH, 0, bytes(64)) + record(REQ, 3, AUTH, 0, bytes(64)),
        "auth-short": record(REQ, 2, AUTH, 0, bytes(40)) + record(REQ, 3, GET_INFO, 0, b""),
        "auth-missing": record(REQ, 2, GET_INFO, 0, b"") + record(REQ, 3, HELLO, 0, bytes([1, 0]) + struct.pack("<HI", 1, 64)),
    }


frames_path, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
with open(frames_path, encoding="utf-8") as f:
    vectors = json.load(f)["vectors"]
for v in vectors:
    wire = bytes.fromhex(v["wire"])
    for prefix in (b"\x00", b"\x01"):
        with open(os.path.join(out, "%s-%d" % (v["name"], prefix[0])), "wb") as f:
            f.write(prefix + wire)
for name, records in structured_seeds().items():
    # "bulk" greets at max payload 64 itself; the others start after the harness's HELLO.
    prefix = b"\x02" if name == "bulk" else b"\x07" if name.startswith("auth") else b"\x03"
    with open(os.path.join(out, "structured-" + name), "wb") as f:
        f.write(prefix + records)
