/* The frame decoder's drops (PROTOCOL.md section 2, resynchronization): each bad run gives its own status, is
 * counted, writes nothing past the buffer, and the next frame decodes. */
#include "check.h"
#include "cobs.h"
#include "crc32c.h"
#include "frame.h"
#include "golden_vectors.h"

/* The decoder with guard bytes right after it: an overlong run must leave them alone. */
static struct {
    aimc_frame_decoder decoder;
    uint8_t guard[256];
} guarded;
static aimc_frame_decoder *const decoder = &guarded.decoder;

static uint8_t wire[AIMC_COBS_MAX_ENCODED(AIMC_FRAME_MAX_RAW + 64) + 1];
static uint8_t raw[AIMC_FRAME_MAX_RAW + 64];

/* Pushes bytes; returns the status of the delimiter and checks that no byte before it completed anything. */
static aimc_frame_status push_run(const char *what, const uint8_t *bytes, size_t count)
{
    aimc_frame_status status = AIMC_FRAME_NONE;
    for (size_t i = 0; i < count; i++) {
        status = aimc_frame_decoder_push(decoder, bytes[i]);
        if (i + 1 < count) {
            CHECK(status == AIMC_FRAME_NONE, "%s: byte %zu completed a frame (%s)", what, i,
                  aimc_frame_status_name(status));
        }
    }
    return status;
}

/* COBS-encodes raw bytes as they are (any CRC, any header) and pushes them with a delimiter. */
static aimc_frame_status push_raw(const char *what, const uint8_t *bytes, size_t count)
{
    size_t length = 0;
    CHECK(aimc_cobs_encode(bytes, count, wire, sizeof wire - 1, &length) == AIMC_COBS_OK, "%s: encode", what);
    wire[length] = 0;
    return push_run(what, wire, length + 1);
}

/* Rewrites the CRC of raw[0 .. count) so that only the header field under test is wrong. */
static void seal(uint8_t *bytes, size_t count)
{
    aimc_write_u32(bytes + count - 4, aimc_crc32c(bytes, count - 4));
}

static void check_status(const char *what, aimc_frame_status actual, aimc_frame_status expected)
{
    CHECK(actual == expected, "%s: %s, expected %s", what, aimc_frame_status_name(actual),
          aimc_frame_status_name(expected));
}

/* After any drop the next valid frame decodes. */
static void check_recovers(const char *what)
{
    const golden_vector *v = &golden_vectors[0];
    aimc_frame_status status = push_run(what, v->wire, v->wire_length);
    CHECK(status == AIMC_FRAME_OK && decoder->header.sequence == v->sequence, "%s: next frame gives %s", what,
          aimc_frame_status_name(status));
}

static void check_bit_flips(void)
{
    /* CRC-32C detects every single-bit error: each bit of each vector's header, payload and CRC, flipped alone. */
    size_t flips = 0;
    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {
        const golden_vector *v = &golden_vectors[i];
        for (size_t bit = 0; bit < v->raw_length * 8; bit++) {
            memcpy(raw, v->raw, v->raw_length);
            raw[bit / 8] ^= (uint8_t)(1U << (bit % 8));
            aimc_frame_status status = push_raw(v->name, raw, v->raw_length);
            CHECK(status == AIMC_FRAME_ERR_CRC, "%s bit %zu flipped: %s", v->name, bit, aimc_frame_status_name(status));
            flips++;
        }
    }
    CHECK(decoder->dropped[AIMC_FRAME_ERR_CRC] == flips, "%u CRC drops counted of %zu",
          (unsigned)decoder->dropped[AIMC_FRAME_ERR_CRC], flips);
    printf("%zu single-bit flips all dropped as bad crc\n", flips);
    check_recovers("after bit flips");
}

static void check_truncation(void)
{
    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {
        const golden_vector *v = &golden_vectors[i];
        /* The last raw byte lost before COBS: the CRC field now ends inside the old one. */
        aimc_frame_status status = push_raw(v->name, v->raw, v->raw_length - 1);
        check_status(v->name, status, v->raw_length - 1 < 16 ? AIMC_FRAME_ERR_SHORT : AIMC_FRAME_ERR_CRC);
    }
    /* The last wire byte before the delimiter lost: get-info ends "05 59 ED 58 8C", its code byte promises 4. */
    const golden_vector *info = golden_vector_named("get-info-request");
    memcpy(wire, info->wire, info->wire_length);
    wire[info->wire_length - 2] = 0;
    check_status("get-info without its last byte", push_run("truncated wire", wire, info->wire_length - 1),
                 AIMC_FRAME_ERR_COBS);
    /* Fifteen raw bytes, and the shortest COBS run (01: no bytes at all). */
    check_status("15 raw bytes", push_raw("15 bytes", info->raw, 15), AIMC_FRAME_ERR_SHORT);
    const uint8_t nothing[] = {0x01, 0x00};
    check_status("01 00", push_run("01 00", nothing, sizeof nothing), AIMC_FRAME_ERR_SHORT);
    check_recovers("after truncation");
}

static void check_header_fields(void)
{
    const golden_vector *v = golden_vector_named("hello-request");
    const struct {
        const char *what;
        size_t offset;
        uint32_t value;
        size_t width;
        aimc_frame_status expected;
    } cases[] = {
        {"length one more than present", 8, 9, 4, AIMC_FRAME_ERR_LENGTH},
        {"length one less than present", 8, 7, 4, AIMC_FRAME_ERR_LENGTH},
        {"length 0xFFFFFFFF", 8, 0xFFFFFFFFU, 4, AIMC_FRAME_ERR_LENGTH},
        {"version 0", 0, 0, 1, AIMC_FRAME_ERR_VERSION},
        {"version 2", 0, 2, 1, AIMC_FRAME_ERR_VERSION},
        {"kind 0", 1, 0, 1, AIMC_FRAME_ERR_KIND},
        {"kind 7", 1, 7, 1, AIMC_FRAME_ERR_KIND},
        {"kind 6 (EVT)", 1, 6, 1, AIMC_FRAME_OK},
        {"unknown flag bits are ignored", 6, 0xFFF0, 2, AIMC_FRAME_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(raw, v->raw, v->raw_length);
        if (cases[i].width == 4) {
            aimc_write_u32(raw + cases[i].offset, cases[i].value);
        } else if (cases[i].width == 2) {
            aimc_write_u16(raw + cases[i].offset, (uint16_t)cases[i].value);
        } else {
            raw[cases[i].offset] = (uint8_t)cases[i].value;
        }
        seal(raw, v->raw_length);
        check_status(cases[i].what, push_raw(cases[i].what, raw, v->raw_length), cases[i].expected);
    }
    /* Not valid COBS: a code byte promising more than the run holds. */
    const uint8_t bad[] = {0x05, 0x11, 0x22, 0x00};
    check_status("05 11 22", push_run("bad cobs", bad, sizeof bad), AIMC_FRAME_ERR_COBS);
    check_recovers("after bad header fields");
}

/* A frame of payload_length bytes (a pattern with zeros in it, so COBS has work), as raw bytes with a right CRC. */
static size_t build_frame(uint32_t payload_length)
{
    aimc_write_u32(raw, 0);
    raw[0] = 1;
    raw[1] = AIMC_KIND_DATA;
    aimc_write_u16(raw + 2, 7);
    aimc_write_u16(raw + 4, 0x0010);
    aimc_write_u16(raw + 6, 0);
    aimc_write_u32(raw + 8, payload_length);
    for (uint32_t i = 0; i < payload_length; i++) {
        raw[12 + i] = (uint8_t)(i * 7U % 251U);
    }
    size_t count = 12U + payload_length + 4U;
    seal(raw, count);
    return count;
}

static void check_limits(void)
{
    /* The largest payload this build holds, both ways. */
    size_t count = build_frame(AIMC_FRAME_MAX_PAYLOAD);
    check_status("max payload", push_raw("max payload", raw, count), AIMC_FRAME_OK);
    CHECK(decoder->header.length == AIMC_FRAME_MAX_PAYLOAD && memcmp(decoder->payload, raw + 12, AIMC_FRAME_MAX_PAYLOAD) == 0,
          "max payload bytes");
    aimc_frame_header header = {1, AIMC_KIND_DATA, 7, 0x0010, 0, 0};
    size_t wire_length = 0;
    static uint8_t encoded[AIMC_FRAME_MAX_WIRE + 64];
    CHECK(aimc_frame_encode(&header, raw + 12, AIMC_FRAME_MAX_PAYLOAD, encoded, AIMC_FRAME_MAX_WIRE, &wire_length),
          "encode the max payload into AIMC_FRAME_MAX_WIRE");
    CHECK(!aimc_frame_encode(&header, raw + 12, AIMC_FRAME_MAX_PAYLOAD + 1, encoded, sizeof encoded, &wire_length),
          "encode refuses a payload over the max");

    /* One byte over: overlong, discarded to the delimiter, nothing written past the decoder. */
    memset(guarded.guard, 0x5A, sizeof guarded.guard);
    uint32_t before = decoder->dropped[AIMC_FRAME_ERR_OVERLONG];
    count = build_frame(AIMC_FRAME_MAX_PAYLOAD + 1);
    check_status("max payload + 1", push_raw("max payload + 1", raw, count), AIMC_FRAME_ERR_OVERLONG);
    /* A long run of non-zero bytes (line noise) and a long run of 01 codes (each one decodes to a zero). */
    static uint8_t noise[3 * AIMC_FRAME_MAX_WIRE];
    for (size_t i = 0; i < sizeof noise; i++) {
        noise[i] = (uint8_t)(i % 255U + 1U);
    }
    noise[sizeof noise - 1] = 0;
    check_status("noise run", push_run("noise", noise, sizeof noise), AIMC_FRAME_ERR_OVERLONG);
    memset(noise, 0x01, sizeof noise);
    noise[sizeof noise - 1] = 0;
    check_status("01 run", push_run("01 run", noise, sizeof noise), AIMC_FRAME_ERR_OVERLONG);
    for (size_t i = 0; i < sizeof guarded.guard; i++) {
        CHECK(guarded.guard[i] == 0x5A, "guard byte %zu overwritten", i);
    }
    CHECK(decoder->dropped[AIMC_FRAME_ERR_OVERLONG] == before + 3, "overlong drops counted");
    check_recovers("after overlong runs");

    /* A negotiated max payload of 64: a 65-byte payload (the HELLO_REQUIRED NAK vector) is overlong, 64 is not. */
    aimc_frame_decoder_set_max_payload(decoder, 64);
    const golden_vector *nak = golden_vector_named("hello-required-nak");
    check_status("65 bytes at max 64", push_run("65 at 64", nak->wire, nak->wire_length), AIMC_FRAME_ERR_OVERLONG);
    count = build_frame(64);
    check_status("64 bytes at max 64", push_raw("64 at 64", raw, count), AIMC_FRAME_OK);
    /* Below the protocol's minimum and above the build's maximum, the max payload is clamped. */
    aimc_frame_decoder_set_max_payload(decoder, 10);
    CHECK(decoder->max_payload == 64, "max payload 10 clamps to %u", (unsigned)decoder->max_payload);
    aimc_frame_decoder_set_max_payload(decoder, 1U << 20);
    CHECK(decoder->max_payload == AIMC_FRAME_MAX_PAYLOAD, "max payload 1 MiB clamps to %u",
          (unsigned)decoder->max_payload);
}

int main(void)
{
    aimc_frame_decoder_init(decoder, AIMC_FRAME_MAX_PAYLOAD);
    check_bit_flips();
    check_truncation();
    check_header_fields();
    check_limits();
    return check_result("frame_errors");
}
