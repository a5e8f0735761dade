/* The schema hashes, as PROTOCOL.md section 5 states them and as the golden HELLO answers carry them: each schema line
 * of the page hashes (CRC-32C) to the value the page gives, frames.json names the newest one, and every HELLO RSP
 * vector carries the hash of its own minor's line (payload offset 12: u8 major, u8 minor, u16 window,
 * u32 max_payload, u32 firmware_version, then u32 schema_hash). */
#include "check.h"
#include "crc32c.h"
#include "frame.h"
#include "golden_vectors.h"

enum { HELLO = 0x0001, HELLO_SCHEMA_OFFSET = 12 };

static const golden_schema *schema_of_minor(unsigned minor)
{
    for (size_t i = 0; i < GOLDEN_SCHEMA_COUNT; i++) {
        if (golden_schemas[i].minor == minor) {
            return &golden_schemas[i];
        }
    }
    return NULL;
}

int main(void)
{
    CHECK(GOLDEN_SCHEMA_COUNT >= 4, "PROTOCOL.md gives %zu schema lines, expected 1.0 to 1.3 at least",
          (size_t)GOLDEN_SCHEMA_COUNT);
    unsigned newest = 0;
    for (size_t i = 0; i < GOLDEN_SCHEMA_COUNT; i++) {
        const golden_schema *s = &golden_schemas[i];
        uint32_t hash = aimc_crc32c((const uint8_t *)s->line, strlen(s->line));
        CHECK(hash == s->crc, "schema 1.%u hashes to 0x%08X, the page says 0x%08X", s->minor, hash, s->crc);
        newest = s->minor > newest ? s->minor : newest;
    }
    const golden_schema *latest = schema_of_minor(newest);
    char protocol[16];
    snprintf(protocol, sizeof protocol, "1.%u", newest);
    CHECK(strcmp(protocol, GOLDEN_FILE_PROTOCOL) == 0, "frames.json is protocol %s, the page's newest %s",
          GOLDEN_FILE_PROTOCOL, protocol);
    CHECK(latest != NULL && latest->crc == GOLDEN_FILE_SCHEMA_HASH, "frames.json schema_hash 0x%08X",
          GOLDEN_FILE_SCHEMA_HASH);

    size_t hellos = 0;
    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {
        const golden_vector *v = &golden_vectors[i];
        if (v->kind != AIMC_KIND_RSP || v->opcode != HELLO) {
            continue;
        }
        hellos++;
        CHECK(v->payload_length >= HELLO_SCHEMA_OFFSET + 4, "%s: %zu payload bytes", v->name, v->payload_length);
        const golden_schema *s = schema_of_minor(v->payload[1]);
        CHECK(s != NULL, "%s: minor %u has no schema line", v->name, v->payload[1]);
        if (s != NULL && v->payload_length >= HELLO_SCHEMA_OFFSET + 4) {
            uint32_t carried = aimc_read_u32(v->payload + HELLO_SCHEMA_OFFSET);
            CHECK(carried == s->crc, "%s: carries 0x%08X, schema 1.%u is 0x%08X", v->name, carried, s->minor, s->crc);
        }
    }
    CHECK(hellos >= 5, "%zu HELLO answers among the vectors, expected 1.0, 1.1, its AUTH form, 1.2 and 1.3 at least", hellos);
    return check_result("schema");
}
