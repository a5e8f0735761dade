#include "session.h"

#include <stdio.h>
#include <string.h>

#include "crc32c.h"

uint32_t aimc_schema_hash(uint8_t minor)
{
    /* CRC-32C of the schema lines of PROTOCOL.md section 5 (schema_test checks them against the page). */
    static const uint32_t hashes[AIMC_SESSION_MAX_MINOR + 1U] = {0xB9F3C8DEU, 0x20B9F366U, 0x09797AA2U};
    return minor <= AIMC_SESSION_MAX_MINOR ? hashes[minor] : 0;
}

/* The identity's max payload, clamped to what this build and the protocol allow: what HELLO offers, and the bound
 * before any HELLO (a NAK HELLO_REQUIRED may be longer than the protocol's minimum of 64). */
static uint32_t offered_max_payload(const aimc_identity *identity)
{
    uint32_t offered = identity->max_payload < AIMC_FRAME_MAX_PAYLOAD ? identity->max_payload : AIMC_FRAME_MAX_PAYLOAD;
    return offered < AIMC_FRAME_MIN_MAX_PAYLOAD ? AIMC_FRAME_MIN_MAX_PAYLOAD : offered;
}

/* Frames kind + payload as the answer to (sequence, opcode) into session->wire and writes it. */
static void send(aimc_session *session, uint8_t kind, uint16_t sequence, uint16_t opcode, const uint8_t *payload,
                 uint32_t length)
{
    aimc_frame_header header = {AIMC_FRAME_VERSION, kind, sequence, opcode, 0, 0};
    /* The cache lives in the output buffer: whatever is sent now replaces it, and only request() marks it valid. */
    session->cache_valid = false;
    if (!aimc_frame_encode(&header, payload, length, session->wire, sizeof session->wire, &session->wire_length)) {
        session->wire_length = 0; /* cannot happen: payloads are bounded by the max payload the buffer is sized for */
        return;
    }
    session->write(session->context, session->wire, session->wire_length);
}

/* A NAK payload: u16 code, then the message's UTF-8 bytes, cut at the max payload. */
static uint32_t nak_payload(uint8_t *out, uint32_t capacity, uint16_t code, const char *message)
{
    size_t text = strlen(message);
    if (text > capacity - 2U) {
        text = capacity - 2U;
    }
    aimc_write_u16(out, code);
    memcpy(out + 2, message, text);
    return (uint32_t)(2U + text);
}

static void send_nak(aimc_session *session, const aimc_frame_header *request, uint16_t code, const char *message)
{
    uint32_t length = nak_payload(session->answer, session->max_payload, code, message);
    send(session, AIMC_KIND_NAK, request->sequence, request->opcode, session->answer, length);
}

void aimc_session_boot(aimc_session *session, const aimc_identity *identity, aimc_write_fn write,
                       aimc_execute_fn execute, void *context)
{
    session->identity = *identity;
    if (session->identity.max_minor > AIMC_SESSION_MAX_MINOR) {
        session->identity.max_minor = AIMC_SESSION_MAX_MINOR;
    }
    session->write = write;
    session->execute = execute;
    session->context = context;
    session->hello_seen = false;
    session->minor = 0;
    session->window = 1;
    session->max_payload = offered_max_payload(&session->identity);
    session->cache_valid = false;
    session->executed = 0;
    aimc_frame_decoder_init(&session->decoder, session->max_payload);

    const uint8_t delimiter = 0;
    write(context, &delimiter, 1);
    uint8_t counter[4];
    aimc_write_u32(counter, identity->boot_counter);
    send(session, AIMC_KIND_EVT, 0, AIMC_OPCODE_BOOT, counter, sizeof counter);
}

static void hello(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload)
{
    char message[96];
    if (request->length != 8) {
        snprintf(message, sizeof message, "HELLO payload is %u bytes, not 8", (unsigned)request->length);
        send_nak(session, request, AIMC_NAK_BAD_PAYLOAD, message);
        return;
    }
    uint8_t major = payload[0];
    uint8_t host_minor = payload[1];
    uint16_t window = aimc_read_u16(payload + 2);
    uint32_t max_payload = aimc_read_u32(payload + 4);
    const aimc_identity *id = &session->identity;
    if (major != AIMC_FRAME_VERSION) {
        snprintf(message, sizeof message, "the host speaks protocol %u.%u, this firmware %u.%u", major, host_minor,
                 AIMC_FRAME_VERSION, id->max_minor);
        send_nak(session, request, AIMC_NAK_VERSION, message);
        return;
    }

    /* A HELLO starts a new host session: sequence numbers restart, so nothing cached may answer them. */
    session->hello_seen = true;
    session->cache_valid = false;
    uint32_t offered = offered_max_payload(id);
    max_payload = max_payload < AIMC_FRAME_MIN_MAX_PAYLOAD ? AIMC_FRAME_MIN_MAX_PAYLOAD : max_payload;
    session->max_payload = max_payload < offered ? max_payload : offered;
    session->window = window < id->window ? window : id->window;
    session->window = session->window == 0 ? 1 : session->window;
    session->minor = host_minor < id->max_minor ? host_minor : id->max_minor;
    uint32_t capabilities = id->capabilities & (AIMC_CAP_RESEED | AIMC_CAP_VIRTUAL_CLOCK);
    if (session->minor >= 1) {
        capabilities |= AIMC_CAP_LIMITS;
    }

    uint8_t *out = session->answer;
    size_t name = strlen(id->firmware);
    size_t length = 28U + name + (session->minor >= 1 ? 12U : 0U);
    if (name > 0xFFFFU || length > session->max_payload) {
        send_nak(session, request, AIMC_NAK_INTERNAL, "the firmware name does not fit the HELLO answer");
        return;
    }
    out[0] = AIMC_FRAME_VERSION;
    out[1] = id->max_minor;
    aimc_write_u16(out + 2, session->window);
    aimc_write_u32(out + 4, session->max_payload);
    aimc_write_u32(out + 8, id->firmware_version);
    aimc_write_u32(out + 12, aimc_schema_hash(session->minor));
    aimc_write_u32(out + 16, capabilities);
    aimc_write_u32(out + 20, id->boot_counter);
    aimc_write_u16(out + 24, (uint16_t)name);
    memcpy(out + 26, id->firmware, name);
    uint8_t *limits = out + 26 + name;
    if (capabilities & AIMC_CAP_LIMITS) {
        aimc_write_u32(limits, id->max_pulses_per_cell);
        aimc_write_u32(limits + 4, id->idle_timeout_ms);
        aimc_write_u32(limits + 8, id->max_object_bytes);
        limits += 12;
    }
    send(session, AIMC_KIND_RSP, request->sequence, request->opcode, out, (uint32_t)(limits - out));
    /* From now on every frame, both ways, is bounded by the negotiated max payload. */
    aimc_frame_decoder_set_max_payload(&session->decoder, session->max_payload);
}

static void request(aimc_session *session, const aimc_frame_header *header, const uint8_t *payload)
{
    if (header->opcode == AIMC_OPCODE_HELLO && header->flags == 0) {
        hello(session, header, payload);
        return;
    }
    if (!session->hello_seen) {
        char message[96];
        snprintf(message, sizeof message, "the rig booted (boot counter %lu) and serves nothing before HELLO",
                 (unsigned long)session->identity.boot_counter);
        send_nak(session, header, AIMC_NAK_HELLO_REQUIRED, message);
        return;
    }
    if (header->flags & (AIMC_FLAG_BEGIN | AIMC_FLAG_COMMIT)) {
        send_nak(session, header, AIMC_NAK_UNSUPPORTED, "bulk transfers are not implemented in this firmware yet");
        return;
    }
    const char *newer = header->opcode == AIMC_OPCODE_PROGRAM_CELLS ? "PROGRAM_CELLS"
                        : header->opcode == AIMC_OPCODE_MVM_PACKED  ? "MVM_PACKED"
                                                                    : NULL;
    if (newer != NULL && session->minor < 2) {
        char message[64];
        snprintf(message, sizeof message, "%s is protocol 1.2; this session speaks 1.%u", newer, session->minor);
        send_nak(session, header, AIMC_NAK_UNKNOWN_OPCODE, message);
        return;
    }
    uint32_t crc = aimc_crc32c(payload, header->length);
    if (session->cache_valid && session->cache_sequence == header->sequence && session->cache_opcode == header->opcode &&
        session->cache_payload_crc == crc) {
        /* A retry: the cached answer, byte for byte, without executing again (no second noise draw or pulse). */
        session->write(session->context, session->wire, session->wire_length);
        return;
    }
    uint8_t kind = AIMC_KIND_NAK;
    uint32_t length;
    if (session->execute == NULL) {
        char message[64];
        snprintf(message, sizeof message, "opcode 0x%04X is not one this firmware knows", header->opcode);
        length = nak_payload(session->answer, session->max_payload, AIMC_NAK_UNKNOWN_OPCODE, message);
    } else {
        session->executed++;
        length = session->execute(session->context, session->minor, header->opcode, payload, header->length,
                                  session->answer, session->max_payload, &kind);
        if ((kind != AIMC_KIND_RSP && kind != AIMC_KIND_NAK) || length > session->max_payload) {
            kind = AIMC_KIND_NAK;
            length = nak_payload(session->answer, session->max_payload, AIMC_NAK_INTERNAL,
                                 "the request's answer is malformed");
        }
    }
    send(session, kind, header->sequence, header->opcode, session->answer, length);
    session->cache_valid = session->wire_length > 0;
    session->cache_sequence = header->sequence;
    session->cache_opcode = header->opcode;
    session->cache_payload_crc = crc;
}

void aimc_session_receive(aimc_session *session, uint8_t byte)
{
    if (aimc_frame_decoder_push(&session->decoder, byte) != AIMC_FRAME_OK) {
        return;
    }
    /* Only requests start anything here; DATA and ACK belong to bulk transfers (not yet implemented). */
    if (session->decoder.header.kind == AIMC_KIND_REQ) {
        request(session, &session->decoder.header, session->decoder.payload);
    }
}
