/* libFuzzer target: the whole receive path of the firmware, session and requests on the soft chip, with object
 * buffers attached so bulk uploads and downloads run. Each input is a line after a boot; half the inputs start after
 * a 1.2 HELLO, so requests reach the cache, the transfers and the request decoders. Every frame the firmware writes
 * must be a valid RSP, NAK, ACK, DATA or EVT within the negotiated max payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
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
    for (size_t i = 1; i < size; i++) {
        aimc_session_receive(&session, data[i]);
    }
    return 0;
}
