/* libFuzzer target: the whole receive path of the firmware, session and requests on the soft chip, with object
 * buffers attached so bulk uploads and downloads run. The first byte chooses: bit 0, start after a 1.2 HELLO; bit 2,
 * the rig has a shared secret (below); bit 1, the rest is records (below) framed here with a valid CRC, so the search reaches the request decoders, the cache and
 * the transfers instead of stopping at the CRC; else the rest is raw line bytes. Every frame the firmware writes must
 * be a valid RSP, NAK, ACK, DATA or EVT within the negotiated max payload.
 * A record: u8 kind (0: a clock tick of u16 * 16 ms instead of a frame; 7: an AUTH request whose answer the harness
 * computes, below), u8 sequence (0: the previous one again), u8 opcode (an index into the opcodes below), u8 flags,
 * u16 length, then length payload bytes (fewer if the input ends).
 * Bit 2 of the first byte gives the rig the shared secret "aimc" with counting challenges (PROTOCOL.md 5.2). No search
 * finds a valid HMAC answer by chance, so record kind 7 computes it from the HELLO answer the session keeps and the
 * record's first 32 payload bytes as the host nonce (a last payload byte of 0xFF spoils the answer's first byte): the
 * fuzzer reaches the accepting path and everything after it. Nothing may execute before the host has authenticated. */
#include "harness_wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "golden_vectors.h"
#include "requests.h"
#include "session.h"
#include "sha256.h"
#include "soft_chip.h"

static aimc_session session;
static aimc_frame_decoder reader;
static aimc_soft_chip soft;
static aimc_requests requests;
static uint8_t upload[8192];
static uint8_t response[8192];

static const uint8_t secret[] = {'a', 'i', 'm', 'c'};
static uint8_t challenge_counter;

/* Deterministic challenges, so an input replays the same way: a fuzzing harness, never a rig. */
static bool counting_random(void *context, uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        bytes[i] = challenge_counter++;
    }
    return true;
}

/* The executor behind the session's authentication check: a request executed while the rig still waits for the
 * host's AUTH is a bypass. */
static uint32_t checked_execute(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                                uint8_t *answer, uint32_t capacity, uint8_t *kind)
{
    if (session.secret != NULL && !session.authenticated) {
        abort();
    }
    return aimc_requests_execute(context, minor, opcode, payload, length, answer, capacity, kind);
}

/* AUTH's payload for the HELLO answer the session holds: host_nonce, then HMAC-SHA256(secret, "aimc-hil/1.1 auth
 * host" | hello_answer | host_nonce). */
static size_t auth_payload(const uint8_t *nonce, size_t nonce_length, bool spoil, uint8_t payload[64])
{
    memset(payload, 0, 64);
    memcpy(payload, nonce, nonce_length < 32 ? nonce_length : 32);
    static const char label[] = "aimc-hil/1.1 auth host";
    aimc_hmac_sha256 mac;
    aimc_hmac_sha256_init(&mac, secret, sizeof secret);
    aimc_hmac_sha256_update(&mac, (const uint8_t *)label, sizeof label - 1);
    aimc_hmac_sha256_update(&mac, session.hello_answer, session.hello_answer_length);
    aimc_hmac_sha256_update(&mac, payload, 32);
    aimc_hmac_sha256_final(&mac, payload + 32);
    if (spoil) {
        payload[32] ^= 1U;
    }
    return 64;
}

static void on_write(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        aimc_frame_status status = aimc_frame_decoder_push(&reader, bytes[i]);
        if (status == AIMC_FRAME_OK) {
            uint8_t kind = reader.header.kind;
            if (kind == AIMC_KIND_REQ || reader.header.length > AIMC_FRAME_MAX_PAYLOAD ||
                (session.hello_seen && reader.header.length > session.max_payload)) {
                abort();
            }
        } else if (status != AIMC_FRAME_NONE) {
            abort();
        }
    }
}

static const uint16_t opcodes[] = {0x0001, 0x0002, 0x0003, 0x0010, 0x0011, 0x0012, 0x0020,
                                   0x0021, 0x0030, 0x0031, 0x0040, 0x00F0, 0x7777};

/* Frames the records of a structured input and feeds them. */
static void feed_records(const uint8_t *data, size_t size)
{
    static uint8_t wire[AIMC_FRAME_MAX_WIRE];
    uint16_t sequence = 1;
    uint32_t now = 0;
    size_t at = 0;
    while (at + 6 <= size) {
        uint8_t kind = data[at];
        uint8_t seq = data[at + 1];
        uint16_t opcode = opcodes[data[at + 2] % (sizeof opcodes / sizeof opcodes[0])];
        uint16_t flags = data[at + 3];
        size_t length = (size_t)data[at + 4] | (size_t)data[at + 5] << 8;
        at += 6;
        if (kind == 0) {
            now += 16U * (uint32_t)length;
            aimc_session_tick(&session, now);
            continue;
        }
        if (length > size - at) {
            length = size - at;
        }
        if (seq != 0) {
            sequence = seq;
        }
        aimc_frame_header header = {1, (uint8_t)(kind % 7U), sequence, opcode, flags, 0};
        const uint8_t *payload = data + at;
        size_t payload_length = length;
        uint8_t auth[64];
        if (kind == 7) {
            header.kind = AIMC_KIND_REQ;
            header.opcode = 0x0003;
            payload_length = auth_payload(payload, length, length > 0 && payload[length - 1] == 0xFF, auth);
            payload = auth;
        }
        size_t wire_length = 0;
        if (payload_length <= AIMC_FRAME_MAX_PAYLOAD &&
            aimc_frame_encode(&header, payload, (uint32_t)payload_length, wire, sizeof wire, &wire_length)) {
            for (size_t i = 0; i < wire_length; i++) {
                aimc_session_receive(&session, wire[i]);
            }
        }
        at += length;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const aimc_identity id = {2, 8, 4096, 0x010000, 0, 1, "fuzz", 1000, 60000, sizeof upload};
    char why[128];
    /* A small chip, so programming and MVMs are quick; a fresh one per input, so inputs do not depend on each other. */
    aimc_soft_config config = aimc_soft_default_config();
    config.rows = 8;
    config.cols = 8;
    config.tiles = 2;
    config.adc_bits = 3;
    const aimc_chip *chip = aimc_soft_chip_init(&soft, &config, why, sizeof why);
    if (chip == NULL || !aimc_requests_init(&requests, chip)) {
        abort();
    }
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_session_attach(&session, upload, sizeof upload, response, sizeof response);
    challenge_counter = 0;
    aimc_session_require_secret(&session, secret, size > 0 && (data[0] & 4U) ? sizeof secret : 0, counting_random, NULL);
    aimc_session_boot(&session, &id, on_write, checked_execute, &requests);
    if (size > 0 && (data[0] & 1U)) {
        const golden_vector *hello = golden_vector_named("hello-request-1.2");
        for (size_t i = 0; i < hello->wire_length; i++) {
            aimc_session_receive(&session, hello->wire[i]);
        }
        if (!session.hello_seen) {
            abort();
        }
    }
    if (size > 0 && (data[0] & 2U)) {
        feed_records(data + 1, size - 1);
        return 0;
    }
    for (size_t i = 1; i < size; i++) {
        aimc_session_receive(&session, data[i]);
    }
    return 0;
}
