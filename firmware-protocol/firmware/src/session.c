#include "session.h"

#include <stdio.h>
#include <string.h>

#include "crc32c.h"
#include "sha256.h"

/* Opcodes the session treats specially (the rest are the executor's). */
enum {
    OPCODE_AUTH = 0x0003,
    OPCODE_PROGRAM = 0x0010,
    OPCODE_READBACK = 0x0011,
    OPCODE_MVM = 0x0020
};

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

/* Frames kind + payload (in up to two parts) as the answer to (sequence, opcode) and writes it. */
static void send_parts(aimc_session *session, uint8_t kind, uint16_t flags, uint16_t sequence, uint16_t opcode,
                       const uint8_t *first, uint32_t first_length, const uint8_t *second, uint32_t second_length)
{
    aimc_frame_header header = {AIMC_FRAME_VERSION, kind, sequence, opcode, flags, 0};
    if (!aimc_frame_encode_parts(&header, first, first_length, second, second_length, session->wire,
                                 sizeof session->wire, &session->wire_length)) {
        session->wire_length = 0; /* cannot happen: payloads are bounded by the max payload the buffer is sized for */
        return;
    }
    session->write(session->context, session->wire, session->wire_length);
}

static void send(aimc_session *session, uint8_t kind, uint16_t flags, uint16_t sequence, uint16_t opcode,
                 const uint8_t *payload, uint32_t length)
{
    send_parts(session, kind, flags, sequence, opcode, payload, length, NULL, 0);
}

uint32_t aimc_nak_payload(uint8_t *out, uint32_t capacity, uint16_t code, const char *message)
{
    size_t text = strlen(message);
    if (text > capacity - 2U) {
        text = capacity - 2U;
    }
    aimc_write_u16(out, code);
    memcpy(out + 2, message, text);
    return (uint32_t)(2U + text);
}

/* A NAK the session itself sends (not cached: it leaves the cached answer, in the response buffer, alone). Without a
 * response buffer the cached answer is in small, where this NAK is written: the cache is dropped, so a retry executes
 * again rather than being answered with the NAK's bytes as its RSP. */
static void send_nak(aimc_session *session, const aimc_frame_header *request, uint16_t code, const char *message)
{
    if (session->response == NULL) {
        session->cache_valid = false;
    }
    uint32_t capacity = session->max_payload < sizeof session->small ? session->max_payload : sizeof session->small;
    uint32_t length = aimc_nak_payload(session->small, capacity, code, message);
    send(session, AIMC_KIND_NAK, 0, request->sequence, request->opcode, session->small, length);
}

/* ACK {offset, window} (PROTOCOL.md 8). */
static void send_ack(aimc_session *session, const aimc_frame_header *request, uint32_t offset)
{
    uint8_t ack[6];
    aimc_write_u32(ack, offset);
    aimc_write_u16(ack + 4, session->window);
    send(session, AIMC_KIND_ACK, 0, request->sequence, request->opcode, ack, sizeof ack);
}

void aimc_session_attach(aimc_session *session, uint8_t *upload, uint32_t upload_capacity, uint8_t *response,
                         uint32_t response_capacity)
{
    session->upload = upload;
    session->upload_capacity = upload == NULL ? 0 : upload_capacity;
    session->response = response;
    session->response_capacity = response == NULL ? 0 : response_capacity;
}

/* Back to the state after a boot: no handshake, no cache, no transfer, the pre-HELLO max payload. */
static void forget_host(aimc_session *session)
{
    session->hello_seen = false;
    session->minor = 0;
    session->window = 1;
    session->max_payload = offered_max_payload(&session->identity);
    session->cache_valid = false;
    session->upload_active = false;
    session->challenge_fresh = false;
    session->authenticated = false;
    aimc_frame_decoder_init(&session->decoder, session->max_payload);
}

void aimc_session_require_secret(aimc_session *session, const uint8_t *secret, size_t length, aimc_random_fn random,
                                 void *random_context)
{
    session->secret = length > 0 ? secret : NULL;
    session->secret_length = secret != NULL ? length : 0;
    session->random = random;
    session->random_context = random_context;
}

/* Ends a host session that did not authenticate (PROTOCOL.md 5.2): NAK AUTH with the reason, then the state after a
 * boot, without the BOOT event, so its next request gets HELLO_REQUIRED (on a serial line there is no connection to
 * close). */
static void refuse(aimc_session *session, const aimc_frame_header *request, const char *why)
{
    send_nak(session, request, AIMC_NAK_AUTH, why);
    session->auth_refusals++;
    forget_host(session);
}

void aimc_session_boot(aimc_session *session, const aimc_identity *identity, aimc_write_fn write,
                       aimc_execute_fn execute, void *context)
{
    session->identity = *identity;
    if (session->identity.max_minor > AIMC_SESSION_MAX_MINOR) {
        session->identity.max_minor = AIMC_SESSION_MAX_MINOR;
    }
    /* The limit HELLO advertises is the buffer that holds an upload. */
    if (session->upload != NULL && session->identity.max_object_bytes > session->upload_capacity) {
        session->identity.max_object_bytes = session->upload_capacity;
    }
    session->write = write;
    session->execute = execute;
    session->context = context;
    session->executed = 0;
    session->idle_resets = 0;
    session->now_ms = 0;
    session->last_frame_ms = 0;
    forget_host(session);

    const uint8_t delimiter = 0;
    write(context, &delimiter, 1);
    uint8_t counter[4];
    aimc_write_u32(counter, identity->boot_counter);
    send(session, AIMC_KIND_EVT, 0, 0, AIMC_OPCODE_BOOT, counter, sizeof counter);
}

static void hello(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload)
{
    char message[160];
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
    if (session->secret != NULL && host_minor < 1) {
        snprintf(message, sizeof message,
                 "this rig needs a shared secret, which a protocol %u.%u host cannot give; update the host to protocol "
                 "%u.%u",
                 major, host_minor, AIMC_FRAME_VERSION, id->max_minor);
        refuse(session, request, message);
        return;
    }

    /* A HELLO starts a new host session: sequence numbers restart, so nothing cached may answer them, and a
     * partial upload belongs to the old one. */
    session->hello_seen = true;
    session->cache_valid = false;
    session->upload_active = false;
    uint32_t offered = offered_max_payload(id);
    max_payload = max_payload < AIMC_FRAME_MIN_MAX_PAYLOAD ? AIMC_FRAME_MIN_MAX_PAYLOAD : max_payload;
    session->max_payload = max_payload < offered ? max_payload : offered;
    session->window = window < id->window ? window : id->window;
    session->window = session->window == 0 ? 1 : session->window;
    session->minor = host_minor < id->max_minor ? host_minor : id->max_minor;
    uint32_t capabilities = id->capabilities & (AIMC_CAP_RESEED | AIMC_CAP_VIRTUAL_CLOCK);
    if (session->minor >= 1) {
        capabilities |= AIMC_CAP_LIMITS | (session->secret != NULL ? AIMC_CAP_AUTH : 0U);
    }
    session->authenticated = false;
    session->challenge_fresh = false;

    /* Built where it stays: the AUTH answer and proof are MACs over this whole payload. */
    uint8_t *out = session->hello_answer;
    size_t name = strlen(id->firmware);
    size_t length = 28U + name + (session->minor >= 1 ? 12U : 0U) +
                    ((capabilities & AIMC_CAP_AUTH) != 0 ? AIMC_AUTH_NONCE_BYTES : 0U);
    if (length > sizeof session->hello_answer || length > session->max_payload) {
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
    if (capabilities & AIMC_CAP_AUTH) {
        if (session->random == NULL || !session->random(session->random_context, limits, AIMC_AUTH_NONCE_BYTES)) {
            send_nak(session, request, AIMC_NAK_INTERNAL, "the rig has no random source for its AUTH challenge");
            forget_host(session);
            return;
        }
        limits += AIMC_AUTH_NONCE_BYTES;
        session->challenge_fresh = true;
    }
    session->hello_answer_length = (uint32_t)(limits - out);
    send(session, AIMC_KIND_RSP, 0, request->sequence, request->opcode, out, session->hello_answer_length);
    /* From now on every frame, both ways, is bounded by the negotiated max payload. */
    aimc_frame_decoder_set_max_payload(&session->decoder, session->max_payload);
}

static bool cache_matches(const aimc_session *session, const aimc_frame_header *request, uint32_t crc)
{
    return session->cache_valid && session->cache_sequence == request->sequence &&
           session->cache_opcode == request->opcode && session->cache_payload_crc == crc;
}

/* The cached answer again, byte for byte (a bulk one from its descriptor: the host downloads it anew). */
static void replay(aimc_session *session, const aimc_frame_header *request)
{
    session->cache_sent_to = 0;
    if (session->cache_bulk) {
        uint8_t descriptor[8];
        aimc_write_u32(descriptor, session->cache_length);
        aimc_write_u32(descriptor + 4, aimc_crc32c(session->response, session->cache_length));
        send(session, AIMC_KIND_RSP, AIMC_FLAG_BEGIN, request->sequence, request->opcode, descriptor,
             sizeof descriptor);
    } else {
        const uint8_t *payload = session->response != NULL ? session->response : session->small;
        send(session, session->cache_kind, 0, request->sequence, request->opcode, payload, session->cache_length);
    }
}

/* Executes a request (its payload, or a committed upload), caches the answer and sends it. */
static void execute(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload, uint32_t length,
                    uint32_t crc)
{
    uint8_t *answer = session->response != NULL ? session->response : session->small;
    uint32_t capacity = session->response != NULL ? session->response_capacity
                        : session->max_payload < sizeof session->small ? session->max_payload
                                                                        : (uint32_t)sizeof session->small;
    uint16_t opcode = request->opcode;
    uint8_t kind = AIMC_KIND_NAK;
    uint32_t answer_length;
    const char *newer = opcode == AIMC_OPCODE_PROGRAM_CELLS ? "PROGRAM_CELLS"
                        : opcode == AIMC_OPCODE_MVM_PACKED  ? "MVM_PACKED"
                                                            : NULL;
    char message[80];
    if (newer != NULL && session->minor < 2) {
        snprintf(message, sizeof message, "%s is protocol 1.2; this session speaks 1.%u", newer, session->minor);
        answer_length = aimc_nak_payload(answer, capacity, AIMC_NAK_UNKNOWN_OPCODE, message);
    } else if (session->execute == NULL) {
        snprintf(message, sizeof message, "opcode 0x%04X is not one this firmware knows", opcode);
        answer_length = aimc_nak_payload(answer, capacity, AIMC_NAK_UNKNOWN_OPCODE, message);
    } else {
        if (opcode == OPCODE_PROGRAM || opcode == OPCODE_READBACK || opcode == OPCODE_MVM ||
            opcode == AIMC_OPCODE_PROGRAM_CELLS || opcode == AIMC_OPCODE_MVM_PACKED) {
            /* The host waits its long execution timeout instead of retrying while the chip works. */
            send(session, AIMC_KIND_ACK, AIMC_FLAG_WORKING, request->sequence, opcode, NULL, 0);
        }
        session->executed++;
        answer_length = session->execute(session->context, session->minor, opcode, payload, length, answer, capacity,
                                         &kind);
        if ((kind != AIMC_KIND_RSP && kind != AIMC_KIND_NAK) || answer_length > capacity ||
            (kind == AIMC_KIND_NAK && answer_length < 2)) {
            kind = AIMC_KIND_NAK;
            answer_length = aimc_nak_payload(answer, capacity, AIMC_NAK_INTERNAL, "the request's answer is malformed");
        }
        if (kind == AIMC_KIND_NAK && answer_length > session->max_payload) {
            answer_length = session->max_payload; /* a NAK is never a bulk object: its message is cut */
        }
    }
    session->cache_valid = true;
    session->cache_sequence = request->sequence;
    session->cache_opcode = opcode;
    session->cache_payload_crc = crc;
    session->cache_kind = kind;
    session->cache_length = answer_length;
    session->cache_bulk = answer_length > session->max_payload;
    replay(session, request);
}

/* The descriptor of a BEGIN or COMMIT: u32 length, u32 crc; false (and NAK BAD_PAYLOAD) when it is not 8 bytes. */
static bool descriptor(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload,
                       uint32_t *length, uint32_t *crc)
{
    if (request->length != 8) {
        char message[64];
        if (request->length < 8) {
            snprintf(message, sizeof message, "the payload ends %u bytes early", (unsigned)(8U - request->length));
        } else {
            snprintf(message, sizeof message, "%u bytes left over after the last field", (unsigned)(request->length - 8U));
        }
        send_nak(session, request, AIMC_NAK_BAD_PAYLOAD, message);
        return false;
    }
    *length = aimc_read_u32(payload);
    *crc = aimc_read_u32(payload + 4);
    return true;
}

static bool upload_matches(const aimc_session *session, const aimc_frame_header *request, uint32_t length, uint32_t crc)
{
    return session->upload_active && session->upload_sequence == request->sequence &&
           session->upload_opcode == request->opcode && session->upload_length == length && session->upload_crc == crc;
}

static void begin(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload)
{
    uint32_t length, crc;
    if (!descriptor(session, request, payload, &length, &crc)) {
        return;
    }
    if (cache_matches(session, request, crc)) {
        /* Received and executed already: the host goes on to its COMMIT, answered from the cache. */
        send_ack(session, request, length);
        return;
    }
    if (upload_matches(session, request, length, crc)) {
        /* A retried BEGIN: the upload resumes where it is. */
        send_ack(session, request, session->upload_received);
        return;
    }
    uint32_t limit = session->identity.max_object_bytes < session->upload_capacity ? session->identity.max_object_bytes
                                                                                   : session->upload_capacity;
    if (length > limit) {
        char message[96];
        snprintf(message, sizeof message, "a %lu-byte object exceeds the %lu bytes this rig can hold",
                 (unsigned long)length, (unsigned long)limit);
        send_nak(session, request, AIMC_NAK_TOO_LARGE, message);
        return;
    }
    session->upload_active = true;
    session->upload_sequence = request->sequence;
    session->upload_opcode = request->opcode;
    session->upload_length = length;
    session->upload_crc = crc;
    session->upload_received = 0;
    send_ack(session, request, 0);
}

static void data(aimc_session *session, const aimc_frame_header *frame, const uint8_t *payload)
{
    if (!session->upload_active || session->upload_sequence != frame->sequence ||
        session->upload_opcode != frame->opcode || frame->length < 4) {
        return; /* not this transfer's, or malformed: as good as lost, the host's timeout recovers it */
    }
    uint32_t offset = aimc_read_u32(payload);
    uint32_t count = frame->length - 4U;
    if (offset == session->upload_received && count <= session->upload_length - session->upload_received &&
        count > 0) {
        memcpy(session->upload + session->upload_received, payload + 4, count);
        session->upload_received += count;
    }
    /* Out of order or repeated: acknowledge what is there; the host goes back to it after its timeout. */
    send_ack(session, frame, session->upload_received);
}

static void commit(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload)
{
    uint32_t length, crc;
    if (!descriptor(session, request, payload, &length, &crc)) {
        return;
    }
    if (cache_matches(session, request, crc)) {
        replay(session, request);
        return;
    }
    char message[96];
    if (!upload_matches(session, request, length, crc)) {
        snprintf(message, sizeof message, "COMMIT of sequence %u without a matching BEGIN", request->sequence);
        send_nak(session, request, AIMC_NAK_TRANSFER, message);
        return;
    }
    if (session->upload_received != session->upload_length) {
        snprintf(message, sizeof message, "COMMIT of sequence %u after %lu of %lu bytes", request->sequence,
                 (unsigned long)session->upload_received, (unsigned long)session->upload_length);
        send_nak(session, request, AIMC_NAK_TRANSFER, message);
        return;
    }
    session->upload_active = false;
    if (aimc_crc32c(session->upload, length) != crc) {
        snprintf(message, sizeof message, "the object of sequence %u does not match its CRC 0x%08lX", request->sequence,
                 (unsigned long)crc);
        send_nak(session, request, AIMC_NAK_TRANSFER, message);
        return;
    }
    execute(session, request, session->upload, length, crc);
}

/* ACK of a bulk download: DATA from max(offset, already sent) up to offset + credit chunks (RESEND: from offset). */
static void ack(aimc_session *session, const aimc_frame_header *frame, const uint8_t *payload)
{
    if (!session->cache_valid || !session->cache_bulk || session->cache_sequence != frame->sequence ||
        session->cache_opcode != frame->opcode || frame->length != 6) {
        return;
    }
    uint32_t offset = aimc_read_u32(payload);
    uint16_t credit = aimc_read_u16(payload + 4);
    uint32_t total = session->cache_length;
    uint32_t chunk = session->max_payload - 4U;
    offset = offset < total ? offset : total;
    if ((frame->flags & AIMC_FLAG_RESEND) || offset > session->cache_sent_to) {
        session->cache_sent_to = offset;
    }
    uint64_t reach = (uint64_t)offset + (uint64_t)(credit == 0 ? 1U : credit) * chunk;
    uint32_t limit = reach < total ? (uint32_t)reach : total;
    while (session->cache_sent_to < limit) {
        uint32_t count = total - session->cache_sent_to < chunk ? total - session->cache_sent_to : chunk;
        uint8_t at[4];
        aimc_write_u32(at, session->cache_sent_to);
        send_parts(session, AIMC_KIND_DATA, 0, frame->sequence, frame->opcode, at, sizeof at,
                   session->response + session->cache_sent_to, count);
        session->cache_sent_to += count;
    }
}

/* HMAC-SHA256(secret, label | this HELLO's answer | host nonce): the host's answer or the rig's proof (5.2). */
static void auth_mac(const aimc_session *session, const char *label, const uint8_t *host_nonce,
                     uint8_t mac[AIMC_AUTH_MAC_BYTES])
{
    aimc_hmac_sha256 hmac;
    aimc_hmac_sha256_init(&hmac, session->secret, session->secret_length);
    aimc_hmac_sha256_update(&hmac, (const uint8_t *)label, strlen(label));
    aimc_hmac_sha256_update(&hmac, session->hello_answer, session->hello_answer_length);
    aimc_hmac_sha256_update(&hmac, host_nonce, AIMC_AUTH_NONCE_BYTES);
    aimc_hmac_sha256_final(&hmac, mac);
}

/* AUTH: u8[32] host_nonce, u8[32] answer. Each challenge is answered once: a second AUTH, an answer to another
 * HELLO's challenge (a recording) or a wrong secret ends the session. Never cached: a retried AUTH is a second one. */
static void authenticate(aimc_session *session, const aimc_frame_header *request, const uint8_t *payload)
{
    bool fresh = session->challenge_fresh;
    session->challenge_fresh = false;
    const uint32_t expected_length = AIMC_AUTH_NONCE_BYTES + AIMC_AUTH_MAC_BYTES;
    char message[96];
    if (request->length != expected_length) {
        /* In the C# PayloadReader's words, as the host prints them. */
        if (request->length < expected_length) {
            snprintf(message, sizeof message, "malformed AUTH (the payload ends %u bytes early)",
                     (unsigned)(expected_length - request->length));
        } else {
            snprintf(message, sizeof message, "malformed AUTH (%u bytes left over after the last field)",
                     (unsigned)(request->length - expected_length));
        }
        refuse(session, request, message);
        return;
    }
    if (!fresh || session->authenticated) {
        refuse(session, request,
               "AUTH without a fresh challenge (a replayed answer): each HELLO's challenge is answered once");
        return;
    }
    uint8_t mac[AIMC_AUTH_MAC_BYTES];
    auth_mac(session, "aimc-hil/1.1 auth host", payload, mac);
    if (!aimc_digest_equal(mac, payload + AIMC_AUTH_NONCE_BYTES, AIMC_AUTH_MAC_BYTES)) {
        refuse(session, request, "wrong shared secret: the host's secret file differs from the rig's");
        return;
    }
    session->authenticated = true;
    /* A different label, so the proof can never be sent back as a host's answer. */
    auth_mac(session, "aimc-hil/1.1 auth rig", payload, mac);
    send(session, AIMC_KIND_RSP, 0, request->sequence, request->opcode, mac, sizeof mac);
}

/* An opcode as PROTOCOL.md section 6 names it (the C# OpcodeNames), or 0xNNNN. */
static const char *opcode_name(uint16_t opcode, char *unknown, size_t capacity)
{
    static const struct {
        uint16_t opcode;
        const char *name;
    } names[] = {{0x0001, "HELLO"},         {0x0002, "GET_INFO"},   {0x0003, "AUTH"},      {0x0010, "PROGRAM"},
                 {0x0011, "READBACK"},      {0x0012, "PROGRAM_CELLS"}, {0x0020, "MVM"},    {0x0021, "MVM_PACKED"},
                 {0x0030, "CLOCK_GET"},     {0x0031, "CLOCK_ADVANCE"}, {0x0040, "RESEED"}, {0x00F0, "BOOT"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].opcode == opcode) {
            return names[i].name;
        }
    }
    snprintf(unknown, capacity, "0x%04X", opcode);
    return unknown;
}

static void request(aimc_session *session, const aimc_frame_header *header, const uint8_t *payload)
{
    if (header->opcode == AIMC_OPCODE_HELLO && header->flags == 0) {
        hello(session, header, payload);
        return;
    }
    if (header->opcode == OPCODE_AUTH && header->flags == 0 && session->hello_seen) {
        if (session->secret == NULL) {
            send_nak(session, header, AIMC_NAK_UNSUPPORTED, "this rig needs no shared secret; send no AUTH");
        } else {
            authenticate(session, header, payload);
        }
        return;
    }
    if (!session->hello_seen) {
        char message[96];
        snprintf(message, sizeof message, "the rig booted (boot counter %lu) and serves nothing before HELLO",
                 (unsigned long)session->identity.boot_counter);
        send_nak(session, header, AIMC_NAK_HELLO_REQUIRED, message);
        return;
    }
    if (session->secret != NULL && !session->authenticated) {
        char unknown[8], message[112];
        snprintf(message, sizeof message, "%s before AUTH: this rig needs its shared secret; answer HELLO's challenge first",
                 opcode_name(header->opcode, unknown, sizeof unknown));
        refuse(session, header, message);
        return;
    }
    if (header->flags & AIMC_FLAG_BEGIN) {
        begin(session, header, payload);
        return;
    }
    if (header->flags & AIMC_FLAG_COMMIT) {
        commit(session, header, payload);
        return;
    }
    uint32_t crc = aimc_crc32c(payload, header->length);
    if (cache_matches(session, header, crc)) {
        /* A retry: the cached answer, byte for byte, without executing again (no second noise draw or pulse). */
        replay(session, header);
        return;
    }
    execute(session, header, payload, header->length, crc);
}

void aimc_session_receive(aimc_session *session, uint8_t byte)
{
    if (aimc_frame_decoder_push(&session->decoder, byte) != AIMC_FRAME_OK) {
        return;
    }
    session->last_frame_ms = session->now_ms;
    const aimc_frame_header *header = &session->decoder.header;
    if (header->kind == AIMC_KIND_REQ) {
        request(session, header, session->decoder.payload);
    } else if (header->kind == AIMC_KIND_DATA && session->hello_seen) {
        data(session, header, session->decoder.payload);
    } else if (header->kind == AIMC_KIND_ACK && session->hello_seen) {
        ack(session, header, session->decoder.payload);
    }
}

void aimc_session_tick(aimc_session *session, uint32_t now_ms)
{
    session->now_ms = now_ms;
    uint32_t idle = session->identity.idle_timeout_ms;
    if (idle != 0 && session->hello_seen && (uint32_t)(now_ms - session->last_frame_ms) >= idle) {
        session->idle_resets++;
        forget_host(session);
    }
}
