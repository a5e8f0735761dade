/* libFuzzer target: the frame decoder and COBS on arbitrary line bytes. Besides the sanitizers' checks: every frame
 * the decoder accepts re-encodes to a wire that decodes to the same header and payload, and COBS decode(encode(x)) is
 * x for the input itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cobs.h"
#include "frame.h"

static aimc_frame_decoder decoder;
static aimc_frame_decoder again;
static uint8_t wire[AIMC_FRAME_MAX_WIRE];
static uint8_t encoded[AIMC_COBS_MAX_ENCODED(AIMC_FRAME_MAX_WIRE)];
static uint8_t decoded[AIMC_FRAME_MAX_WIRE];

static void check_reencodes(void)
{
    size_t length = 0;
    if (!aimc_frame_encode(&decoder.header, decoder.payload, decoder.header.length, wire, sizeof wire, &length)) {
        abort();
    }
    aimc_frame_decoder_init(&again, AIMC_FRAME_MAX_PAYLOAD);
    aimc_frame_status status = AIMC_FRAME_NONE;
    for (size_t i = 0; i < length; i++) {
        status = aimc_frame_decoder_push(&again, wire[i]);
    }
    if (status != AIMC_FRAME_OK || memcmp(&again.header, &decoder.header, sizeof again.header) != 0 ||
        memcmp(again.payload, decoder.payload, decoder.header.length) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks a negotiated max payload, so small ones are exercised too. */
    uint32_t max_payload = size > 0 ? 64U + (uint32_t)data[0] * 16U : AIMC_FRAME_MAX_PAYLOAD;
    aimc_frame_decoder_init(&decoder, max_payload);
    for (size_t i = 0; i < size; i++) {
        if (aimc_frame_decoder_push(&decoder, data[i]) == AIMC_FRAME_OK) {
            if (decoder.header.length > decoder.max_payload) {
                abort();
            }
            check_reencodes();
        }
    }

    size_t n = size < AIMC_FRAME_MAX_WIRE ? size : AIMC_FRAME_MAX_WIRE;
    size_t encoded_length = 0;
    size_t decoded_length = 0;
    if (aimc_cobs_encode(data, n, encoded, sizeof encoded, &encoded_length) != AIMC_COBS_OK ||
        encoded_length > AIMC_COBS_MAX_ENCODED(n) ||
        aimc_cobs_decode(encoded, encoded_length, decoded, sizeof decoded, &decoded_length) != AIMC_COBS_OK ||
        decoded_length != n || (n > 0 && memcmp(decoded, data, n) != 0)) {
        abort();
    }
    return 0;
}
