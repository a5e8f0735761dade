/* libFuzzer target: the whole receive path of the firmware, session and requests on the soft chip, with object
 * buffers attached so bulk uploads and downloads run. The first byte chooses: bit 0, start after a 1.2 HELLO; bit 2,
 * the rig has a shared secret, so HELLO carries an AUTH challenge and AUTH and every request before it reach the
 * session's refusals (no search finds a valid HMAC answer: the accepting path stays out of reach); bit 1,
 * the rest is records (below) framed here with a valid CRC, so the search reaches the request decoders, the cache and
 * the transfers instead of stopping at the CRC; else the rest is raw line bytes. Every frame the firmware writes must
 * be a valid RSP, NAK, ACK, DATA or EVT within the negotiated max payload.
 * A record: u8 kind (0: a clock tick of u16 * 16 ms instead of a frame), u8 sequence (0: the previous one again),
 * u8 opcode (an index into the opcodes below), u8 flags, u16 length, then length payload bytes (fewer if the input
 * ends). */
#include "harness_wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "golden_vectors.h"
#include "requests.h"
#include "session.h"
#include "soft_chip.h"

static aimc_session session;
static aimc_frame_decoder reader;
static aimc_soft_chip soft;
static aimc_requests requests;
static uint8_t upload[8192];
static uint8_t response[8192];

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

/* The shared secret of bit 2, and a challenge source that is deterministic, so an input replays the same. */
static const uint8_t secret[32] = "aimc-hil fuzz shared secret 0123";

static bool fuzz_random(void *context, uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        bytes[i] = (uint8_t)(0xA5U ^ (i * 37U));
    }
    return true;
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
        size_t wire_length = 0;
        if (length <= AIMC_FRAME_MAX_PAYLOAD &&
            aimc_frame_encode(&header, data + at, (uint32_t)length, wire, sizeof wire, &wire_length)) {
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
    /* Set on every input: the session is static, and boot leaves the secret as it was. */
    bool with_secret = size > 0 && (data[0] & 4U);
    aimc_session_require_secret(&session, with_secret ? secret : NULL, with_secret ? sizeof secret : 0, fuzz_random, NULL);
    aimc_session_boot(&session, &id, on_write, aimc_requests_execute, &requests);
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
