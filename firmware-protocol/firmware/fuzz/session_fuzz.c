/* libFuzzer target: the whole receive path of the session. Each input is a line after a boot; half the inputs start
 * after a 1.2 HELLO, so requests reach the cache and the executor. Every frame the session writes must be a valid
 * RSP, NAK or EVT within the negotiated max payload, and no request over that max may reach the executor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "golden_vectors.h"
#include "session.h"

static aimc_session session;
static aimc_frame_decoder reader;

static void on_write(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        aimc_frame_status status = aimc_frame_decoder_push(&reader, bytes[i]);
        if (status == AIMC_FRAME_OK) {
            uint8_t kind = reader.header.kind;
            if ((kind != AIMC_KIND_RSP && kind != AIMC_KIND_NAK && kind != AIMC_KIND_EVT) ||
                reader.header.length > AIMC_FRAME_MAX_PAYLOAD) {
                abort();
            }
        } else if (status != AIMC_FRAME_NONE) {
            abort();
        }
    }
}

static uint32_t execute(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                        uint8_t *answer, uint32_t capacity, uint8_t *kind)
{
    (void)context;
    (void)minor;
    if (length > session.max_payload || capacity != session.max_payload) {
        abort();
    }
    uint32_t n = length < capacity ? length : capacity;
    memcpy(answer, payload, n);
    *kind = (opcode & 1U) ? AIMC_KIND_NAK : AIMC_KIND_RSP;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const aimc_identity id = {2, 8, 4096, 0x010000, 1, 1, "fuzz", 1000, 60000, 1U << 20};
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_session_boot(&session, &id, on_write, execute, NULL);
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
