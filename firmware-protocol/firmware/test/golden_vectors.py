#!/usr/bin/env python3
"""Writes golden_vectors.h from vectors/frames.json at build time, so the C tests read the repository's vectors and not
a hand copy. Kind and opcode names are resolved through PROTOCOL.md's own tables (section 2.1 and section 6), not
through a list kept here.

usage: golden_vectors.py FRAMES_JSON PROTOCOL_MD OUT_H
"""
import json
import re
import sys


def kinds_from_spec(spec):
    # "| 1 | u8 | kind | 1 REQ, 2 RSP, 3 NAK, 4 DATA, 5 ACK, 6 EVT |"
    row = next(line for line in spec.splitlines() if re.match(r"\|\s*1\s*\|\s*u8\s*\|\s*kind\s*\|", line))
    return {name: int(value) for value, name in re.findall(r"(\d+) ([A-Z]+)", row.split("|")[4])}


def opcodes_from_spec(spec):
    lines = spec.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\|\s*opcode\s*\|\s*name\s*\|", line))
    opcodes = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.split("|")]
        opcodes[cells[2].split()[0]] = int(cells[1], 16)
    return opcodes


def schemas_from_spec(spec):
    # "Schema line of 1.2 (its CRC-32C is 0x09797AA2):" and the line in backticks below it
    found = re.findall(r"Schema line of 1\.(\d+) \(its CRC-32C is 0x([0-9A-F]{8})\)[^\n]*:\n`([^`]*)`", spec)
    return [(int(minor), int(crc, 16), line) for minor, crc, line in found]


def c_string(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def c_bytes(hex_text):
    data = bytes.fromhex(hex_text)
    # A zero-length array is not C11: an empty field gets one unused byte and its length says 0.
    body = ", ".join("0x%02X" % b for b in data) if data else "0x00"
    return "{ %s }" % body, len(data)


def main():
    frames_path, spec_path, out_path = sys.argv[1:4]
    with open(frames_path, encoding="utf-8") as f:
        frames = json.load(f)
    with open(spec_path, encoding="utf-8") as f:
        spec = f.read()
    kinds, opcodes = kinds_from_spec(spec), opcodes_from_spec(spec)

    out = ["/* Generated at build time by golden_vectors.py from %s: do not edit. */" % frames_path.split("/")[-1],
           "#ifndef GOLDEN_VECTORS_H", "#define GOLDEN_VECTORS_H", "#include <stddef.h>", "#include <stdint.h>", "#include <stdio.h>", "#include <string.h>", "",
           "typedef struct {", "    const char *name;", "    uint8_t version, kind;",
           "    uint16_t sequence, opcode, flags;", "    uint32_t crc;",
           "    const uint8_t *payload; size_t payload_length;", "    const uint8_t *raw; size_t raw_length;",
           "    const uint8_t *wire; size_t wire_length;", "} golden_vector;", ""]
    rows = []
    for i, v in enumerate(frames["vectors"]):
        fields = {}
        for key in ("payload", "raw", "wire"):
            text, length = c_bytes(v[key])
            out.append("static const uint8_t golden_%d_%s[] = %s;" % (i, key, text))
            fields[key] = length
        rows.append('    { "%s", %d, %d, %d, 0x%04X, 0x%04X, 0x%sU, golden_%d_payload, %d, golden_%d_raw, %d, '
                    'golden_%d_wire, %d },' % (v["name"], v["version"], kinds[v["kind"]], v["sequence"],
                                               opcodes[v["opcode"]], v["flags"], v["crc"], i, fields["payload"], i,
                                               fields["raw"], i, fields["wire"]))
    out += ["", "static const golden_vector golden_vectors[] = {"] + rows + ["};", ""]
    out += ["#define GOLDEN_VECTOR_COUNT (sizeof golden_vectors / sizeof golden_vectors[0])", "",
            "/* The vector of that name; a name not in the file is a test bug, said on stderr (the first vector stands in). */",
            "static inline const golden_vector *golden_vector_named(const char *name)", "{",
            "    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {",
            "        if (strcmp(golden_vectors[i].name, name) == 0) {", "            return &golden_vectors[i];",
            "        }", "    }", '    fprintf(stderr, "no golden vector %s\\n", name);', "    return &golden_vectors[0];",
            "}", ""]

    # PROTOCOL.md section 5's schema lines with the CRC-32C the page states for each, and frames.json's own hash.
    out += ["typedef struct { unsigned minor; uint32_t crc; const char *line; } golden_schema;",
            "static const golden_schema golden_schemas[] = {"]
    out += ["    { %d, 0x%08XU, %s }," % (minor, crc, c_string(line)) for minor, crc, line in schemas_from_spec(spec)]
    out += ["};", "#define GOLDEN_SCHEMA_COUNT (sizeof golden_schemas / sizeof golden_schemas[0])",
            "#define GOLDEN_FILE_PROTOCOL %s" % c_string(frames["protocol"]),
            "#define GOLDEN_FILE_SCHEMA_HASH 0x%sU" % frames["schema_hash"], "", "#endif", ""]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
