#include "frame.h"

#include "crc32c.h"

uint16_t aimc_read_u16(const uint8_t *bytes)
{
    return (uint16_t)(bytes[0] | (uint16_t)(bytes[1] << 8));
}

uint32_t aimc_read_u32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24);
}

void aimc_write_u16(uint8_t *bytes, uint16_t value)
{
    bytes[0] = (uint8_t)value;
    bytes[1] = (uint8_t)(value >> 8);
}

void aimc_write_u32(uint8_t *bytes, uint32_t value)
{
    bytes[0] = (uint8_t)value;
    bytes[1] = (uint8_t)(value >> 8);
    bytes[2] = (uint8_t)(value >> 16);
    bytes[3] = (uint8_t)(value >> 24);
}

const char *aimc_frame_status_name(aimc_frame_status status)
{
    switch (status) {
    case AIMC_FRAME_NONE: return "none";
    case AIMC_FRAME_OK: return "ok";
    case AIMC_FRAME_ERR_COBS: return "bad cobs";
    case AIMC_FRAME_ERR_SHORT: return "short";
    case AIMC_FRAME_ERR_CRC: return "bad crc";
    case AIMC_FRAME_ERR_LENGTH: return "length mismatch";
    case AIMC_FRAME_ERR_OVERLONG: return "overlong";
    case AIMC_FRAME_ERR_VERSION: return "bad version";
    case AIMC_FRAME_ERR_KIND: return "bad kind";
    case AIMC_FRAME_STATUS_COUNT: break;
    }
    return "unknown";
}

static uint32_t clamp_max_payload(uint32_t max_payload)
{
    if (max_payload < AIMC_FRAME_MIN_MAX_PAYLOAD) {
        return AIMC_FRAME_MIN_MAX_PAYLOAD;
    }
    return max_payload > AIMC_FRAME_MAX_PAYLOAD ? AIMC_FRAME_MAX_PAYLOAD : max_payload;
}

/* Forgets the run in progress; the next byte starts a new one. */
static void start_run(aimc_frame_decoder *decoder)
{
    decoder->encoded_length = 0;
    decoder->discarding = false;
    aimc_cobs_decoder_begin(&decoder->cobs, decoder->raw, AIMC_FRAME_RAW_BYTES(decoder->max_payload));
}

void aimc_frame_decoder_init(aimc_frame_decoder *decoder, uint32_t max_payload)
{
    for (size_t i = 0; i < AIMC_FRAME_STATUS_COUNT; i++) {
        decoder->dropped[i] = 0;
    }
    decoder->payload = decoder->raw + AIMC_FRAME_HEADER_BYTES;
    decoder->header = (aimc_frame_header){0};
    aimc_frame_decoder_set_max_payload(decoder, max_payload);
}

void aimc_frame_decoder_set_max_payload(aimc_frame_decoder *decoder, uint32_t max_payload)
{
    decoder->max_payload = clamp_max_payload(max_payload);
    start_run(decoder);
}

/* Checks a complete decoded run of raw_length bytes, in PROTOCOL.md's order: size, CRC, length field, version, kind. */
static aimc_frame_status check_frame(aimc_frame_decoder *decoder, size_t raw_length)
{
    if (raw_length < AIMC_FRAME_HEADER_BYTES + AIMC_FRAME_CRC_BYTES) {
        return AIMC_FRAME_ERR_SHORT;
    }
    const uint8_t *raw = decoder->raw;
    size_t covered = raw_length - AIMC_FRAME_CRC_BYTES;
    if (aimc_crc32c(raw, covered) != aimc_read_u32(raw + covered)) {
        return AIMC_FRAME_ERR_CRC;
    }
    aimc_frame_header header = {
        .version = raw[0],
        .kind = raw[1],
        .sequence = aimc_read_u16(raw + 2),
        .opcode = aimc_read_u16(raw + 4),
        .flags = aimc_read_u16(raw + 6),
        .length = aimc_read_u32(raw + 8),
    };
    /* raw_length is at most the negotiated raw size, so a length field that matches is within the max payload. */
    if ((uint64_t)header.length != (uint64_t)(covered - AIMC_FRAME_HEADER_BYTES)) {
        return AIMC_FRAME_ERR_LENGTH;
    }
    if (header.version != AIMC_FRAME_VERSION) {
        return AIMC_FRAME_ERR_VERSION;
    }
    if (header.kind < AIMC_KIND_REQ || header.kind > AIMC_KIND_EVT) {
        return AIMC_FRAME_ERR_KIND;
    }
    decoder->header = header;
    return AIMC_FRAME_OK;
}

static aimc_frame_status end_run(aimc_frame_decoder *decoder)
{
    aimc_frame_status status;
    size_t raw_length = 0;
    if (decoder->discarding) {
        status = AIMC_FRAME_ERR_OVERLONG;
    } else if (decoder->encoded_length == 0) {
        status = AIMC_FRAME_NONE; /* an empty frame: senders may write extra 0x00 bytes */
    } else if (aimc_cobs_decoder_finish(&decoder->cobs, &raw_length) != AIMC_COBS_OK) {
        status = AIMC_FRAME_ERR_COBS;
    } else {
        status = check_frame(decoder, raw_length);
    }
    if (status != AIMC_FRAME_NONE && status != AIMC_FRAME_OK) {
        decoder->dropped[status]++;
    }
    start_run(decoder);
    return status;
}

aimc_frame_status aimc_frame_decoder_push(aimc_frame_decoder *decoder, uint8_t byte)
{
    if (byte == 0) {
        return end_run(decoder);
    }
    if (decoder->discarding) {
        return AIMC_FRAME_NONE;
    }
    decoder->encoded_length++;
    bool too_long = decoder->encoded_length > AIMC_COBS_MAX_ENCODED(AIMC_FRAME_RAW_BYTES(decoder->max_payload));
    /* The COBS decoder stops at the buffer's end by itself (NO_ROOM), so no byte is written past raw. */
    if (too_long || aimc_cobs_decoder_put(&decoder->cobs, byte) == AIMC_COBS_NO_ROOM) {
        decoder->discarding = true;
    }
    return AIMC_FRAME_NONE;
}

bool aimc_frame_encode(const aimc_frame_header *header, const uint8_t *payload, uint32_t payload_length, uint8_t *out,
                       size_t capacity, size_t *wire_length)
{
    return aimc_frame_encode_parts(header, payload, payload_length, NULL, 0, out, capacity, wire_length);
}

bool aimc_frame_encode_parts(const aimc_frame_header *header, const uint8_t *first, uint32_t first_length,
                             const uint8_t *second, uint32_t second_length, uint8_t *out, size_t capacity,
                             size_t *wire_length)
{
    if (first_length > AIMC_FRAME_MAX_PAYLOAD || second_length > AIMC_FRAME_MAX_PAYLOAD - first_length ||
        capacity == 0) {
        return false;
    }
    uint32_t payload_length = first_length + second_length;
    uint8_t head[AIMC_FRAME_HEADER_BYTES];
    head[0] = header->version;
    head[1] = header->kind;
    aimc_write_u16(head + 2, header->sequence);
    aimc_write_u16(head + 4, header->opcode);
    aimc_write_u16(head + 6, header->flags);
    aimc_write_u32(head + 8, payload_length);

    uint8_t crc[AIMC_FRAME_CRC_BYTES];
    uint32_t state = aimc_crc32c_update(AIMC_CRC32C_INIT, head, sizeof head);
    if (first_length > 0) {
        state = aimc_crc32c_update(state, first, first_length);
    }
    if (second_length > 0) {
        state = aimc_crc32c_update(state, second, second_length);
    }
    aimc_write_u32(crc, aimc_crc32c_final(state));

    /* One byte of the capacity is kept for the delimiter. */
    aimc_cobs_encoder encoder;
    aimc_cobs_encoder_begin(&encoder, out, capacity - 1U);
    for (size_t i = 0; i < sizeof head; i++) {
        aimc_cobs_encoder_put(&encoder, head[i]);
    }
    for (size_t i = 0; i < first_length; i++) {
        aimc_cobs_encoder_put(&encoder, first[i]);
    }
    for (size_t i = 0; i < second_length; i++) {
        aimc_cobs_encoder_put(&encoder, second[i]);
    }
    for (size_t i = 0; i < sizeof crc; i++) {
        aimc_cobs_encoder_put(&encoder, crc[i]);
    }
    size_t length;
    if (aimc_cobs_encoder_finish(&encoder, &length) != AIMC_COBS_OK) {
        return false;
    }
    out[length] = 0;
    *wire_length = length + 1U;
    return true;
}
