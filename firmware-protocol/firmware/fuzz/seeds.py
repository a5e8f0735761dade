#!/usr/bin/env python3
"""Writes one seed file per golden frame (its wire bytes) for the libFuzzer targets: usage seeds.py FRAMES_JSON DIR.
session_fuzz reads its first byte as a switch (odd: start after HELLO), so each seed is written both ways for it."""
import json
import os
import sys

frames_path, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
with open(frames_path, encoding="utf-8") as f:
    vectors = json.load(f)["vectors"]
for v in vectors:
    wire = bytes.fromhex(v["wire"])
    for prefix in (b"\x00", b"\x01"):
        with open(os.path.join(out, "%s-%d" % (v["name"], prefix[0])), "wb") as f:
            f.write(prefix + wire)
