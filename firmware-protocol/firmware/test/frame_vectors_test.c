/* Every frame of firmware-protocol/vectors/frames.json decoded to its listed fields and re-encoded to its wire bytes,
 * byte for byte (vectors/README.md asks a firmware's unit tests for exactly this). */
#include "check.h"
#include "cobs.h"
#include "crc32c.h"
#include "frame.h"
#include "golden_vectors.h"

static aimc_frame_decoder decoder;

/* Feeds a whole wire frame; returns how many frames it completed and the status of the last byte. */
static aimc_frame_status push_all(const uint8_t *bytes, size_t count, int *completed)
{
    aimc_frame_status status = AIMC_FRAME_NONE;
    *completed = 0;
    for (size_t i = 0; i < count; i++) {
        status = aimc_frame_decoder_push(&decoder, bytes[i]);
        if (status != AIMC_FRAME_NONE) {
            (*completed)++;
        }
    }
    return status;
}

static void check_fields(const golden_vector *v, const char *context)
{
    const aimc_frame_header *h = &decoder.header;
    CHECK(h->version == v->version, "%s %s: version %u", v->name, context, h->version);
    CHECK(h->kind == v->kind, "%s %s: kind %u, expected %u", v->name, context, h->kind, v->kind);
    CHECK(h->sequence == v->sequence, "%s %s: sequence %u", v->name, context, h->sequence);
    CHECK(h->opcode == v->opcode, "%s %s: opcode 0x%04X", v->name, context, h->opcode);
    CHECK(h->flags == v->flags, "%s %s: flags 0x%04X", v->name, context, h->flags);
    CHECK(h->length == v->payload_length, "%s %s: length %u", v->name, context, (unsigned)h->length);
    if (h->length == v->payload_length) {
        CHECK_BYTES(decoder.payload, v->payload, v->payload_length, "%s %s: payload bytes", v->name, context);
    }
}

static void check_vector(const golden_vector *v)
{
    /* The vector is self-consistent: raw is COBS-decoded wire and carries the CRC the vector names. */
    CHECK(v->wire_length >= 1 && v->wire[v->wire_length - 1] == 0, "%s: wire ends with the 0x00 delimiter", v->name);
    uint8_t raw[AIMC_FRAME_MAX_RAW];
    size_t raw_length = 0;
    CHECK(aimc_cobs_decode(v->wire, v->wire_length - 1, raw, sizeof raw, &raw_length) == AIMC_COBS_OK &&
              raw_length == v->raw_length && memcmp(raw, v->raw, raw_length) == 0,
          "%s: COBS-decoded wire is raw", v->name);
    CHECK(aimc_crc32c(v->raw, v->raw_length - 4) == v->crc, "%s: CRC-32C of header + payload is 0x%08X", v->name,
          aimc_crc32c(v->raw, v->raw_length - 4));
    CHECK(aimc_read_u32(v->raw + v->raw_length - 4) == v->crc, "%s: raw stores the CRC little-endian", v->name);

    /* Decoded by the streaming decoder: one frame, at the delimiter, with the listed fields. */
    int completed = 0;
    aimc_frame_status status = push_all(v->wire, v->wire_length, &completed);
    CHECK(status == AIMC_FRAME_OK && completed == 1, "%s: decoder says %s after %d frames", v->name,
          aimc_frame_status_name(status), completed);
    if (status == AIMC_FRAME_OK) {
        check_fields(v, "decoded");
        CHECK_BYTES(decoder.raw, v->raw, v->raw_length, "%s: decoder's raw bytes", v->name);
    }

    /* Re-encoded from the fields: the same wire bytes. */
    aimc_frame_header header = {v->version, v->kind, v->sequence, v->opcode, v->flags, 0};
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    size_t wire_length = 0;
    CHECK(aimc_frame_encode(&header, v->payload, (uint32_t)v->payload_length, wire, sizeof wire, &wire_length),
          "%s: encode", v->name);
    CHECK(wire_length == v->wire_length, "%s: encoded %zu wire bytes, expected %zu", v->name, wire_length,
          v->wire_length);
    if (wire_length == v->wire_length) {
        CHECK_BYTES(wire, v->wire, wire_length, "%s: encoded wire bytes", v->name);
    }
    /* Exactly the wire length is enough room; one byte less is refused. */
    CHECK(aimc_frame_encode(&header, v->payload, (uint32_t)v->payload_length, wire, v->wire_length, &wire_length),
          "%s: encode into exactly its length", v->name);
    CHECK(!aimc_frame_encode(&header, v->payload, (uint32_t)v->payload_length, wire, v->wire_length - 1,
                             &wire_length),
          "%s: encode into one byte less", v->name);
}

int main(void)
{
#if AIMC_FRAME_MAX_PAYLOAD == 4096
    /* PROTOCOL.md section 8: at max payload 4096 a frame is at most 4130 wire bytes. */
    CHECK(AIMC_FRAME_MAX_WIRE == 4130, "largest wire frame %zu bytes, the page says 4130", (size_t)AIMC_FRAME_MAX_WIRE);
#endif
    CHECK(GOLDEN_VECTOR_COUNT >= 40, "only %zu vectors generated", (size_t)GOLDEN_VECTOR_COUNT);
    aimc_frame_decoder_init(&decoder, AIMC_FRAME_MAX_PAYLOAD);
    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {
        check_vector(&golden_vectors[i]);
    }

    /* All vectors back to back, with an empty frame (an extra 0x00) between some: each decodes in order. */
    aimc_frame_decoder_init(&decoder, AIMC_FRAME_MAX_PAYLOAD);
    size_t decoded = 0;
    for (size_t i = 0; i < GOLDEN_VECTOR_COUNT; i++) {
        const golden_vector *v = &golden_vectors[i];
        if (i % 3 == 0) {
            CHECK(aimc_frame_decoder_push(&decoder, 0) == AIMC_FRAME_NONE, "an empty frame is ignored");
        }
        for (size_t b = 0; b < v->wire_length; b++) {
            aimc_frame_status status = aimc_frame_decoder_push(&decoder, v->wire[b]);
            if (status == AIMC_FRAME_OK) {
                check_fields(v, "in a stream");
                decoded++;
            } else {
                CHECK(status == AIMC_FRAME_NONE, "%s in a stream: %s", v->name, aimc_frame_status_name(status));
            }
        }
    }
    CHECK(decoded == GOLDEN_VECTOR_COUNT, "stream decoded %zu of %zu", decoded, (size_t)GOLDEN_VECTOR_COUNT);
    for (size_t i = 0; i < AIMC_FRAME_STATUS_COUNT; i++) {
        CHECK(decoder.dropped[i] == 0, "stream dropped %u runs as %s", (unsigned)decoder.dropped[i],
              aimc_frame_status_name((aimc_frame_status)i));
    }
    printf("%zu golden vectors decoded and re-encoded\n", (size_t)GOLDEN_VECTOR_COUNT);
    return check_result("frame_vectors");
}
