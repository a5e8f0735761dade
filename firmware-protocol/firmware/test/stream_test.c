/* Seeded random line damage through the whole receive path (decoder and session), built into the ASan+UBSan run of
 * tools/firmware.sh: golden frames with bits flipped, bytes dropped, inserted and duplicated, and runs of noise. Not
 * coverage-guided (fuzz/session_fuzz.c is), but deterministic and in every test run; every answer is checked:
 * whatever the line carries, each answer the session writes is a valid frame (RSP or NAK, never longer than the
 * negotiated max payload), and the executor never sees a payload over that max. */
#include "check.h"
#include "frame.h"
#include "golden_vectors.h"
#include "session.h"

enum { ROUNDS = 200000 };

static aimc_session session;
static aimc_frame_decoder reader; /* reads what the session writes */
static uint32_t answers, bad_answers, oversized_requests;

static uint32_t random_state = 0x2545F491U;
static uint32_t next_random(void)
{
    /* xorshift32: the same sequence on every machine, so a failure reproduces. */
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state;
}

static void on_write(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        aimc_frame_status status = aimc_frame_decoder_push(&reader, bytes[i]);
        if (status == AIMC_FRAME_OK) {
            answers++;
            uint8_t kind = reader.header.kind;
            if ((kind != AIMC_KIND_RSP && kind != AIMC_KIND_NAK && kind != AIMC_KIND_EVT && kind != AIMC_KIND_ACK) ||
                reader.header.length > session.max_payload) {
                bad_answers++;
            }
        } else if (status != AIMC_FRAME_NONE) {
            bad_answers++;
        }
    }
}

static uint32_t execute(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                        uint8_t *answer, uint32_t capacity, uint8_t *kind)
{
    (void)context;
    (void)minor;
    (void)opcode;
    if (length > session.max_payload) {
        oversized_requests++;
    }
    /* Echo as much of the payload as fits, so answers of every size occur. */
    uint32_t n = length < capacity ? length : capacity;
    memcpy(answer, payload, n);
    *kind = (length & 1U) ? AIMC_KIND_NAK : AIMC_KIND_RSP;
    return n;
}

int main(void)
{
    aimc_identity id = {2, 8, 4096, 0x010000, AIMC_CAP_RESEED, 1, "stream test", 1000, 60000, 1U << 20};
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_session_boot(&session, &id, on_write, execute, NULL);

    static uint8_t damaged[2 * AIMC_FRAME_MAX_WIRE];
    uint64_t bytes = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        const golden_vector *v = &golden_vectors[next_random() % GOLDEN_VECTOR_COUNT];
        size_t n = 0;
        uint32_t mode = next_random() % 8U;
        if (mode == 7U) {
            /* Noise: up to 5000 random bytes, zeros included. */
            n = next_random() % 5000U;
            for (size_t i = 0; i < n; i++) {
                damaged[i] = (uint8_t)next_random();
            }
        } else {
            memcpy(damaged, v->wire, v->wire_length);
            n = v->wire_length;
            /* Modes 0..2 pass the frame intact (so HELLO and requests do get through); the rest damage it. */
            for (uint32_t k = 0; mode >= 3U && k < mode - 2U && n > 1; k++) {
                size_t at = next_random() % n;
                switch (next_random() % 4U) {
                case 0: damaged[at] ^= (uint8_t)(1U << (next_random() % 8U)); break;
                case 1: memmove(damaged + at, damaged + at + 1, n - at - 1); n--; break;
                case 2: memmove(damaged + at + 1, damaged + at, n - at); damaged[at] = (uint8_t)next_random(); n++; break;
                default:
                    if (n + (n - at) <= sizeof damaged) { /* duplicate the tail: a frame sent twice, half of it */
                        memcpy(damaged + n, damaged + at, n - at);
                        n += n - at;
                    }
                    break;
                }
            }
        }
        for (size_t i = 0; i < n; i++) {
            aimc_session_receive(&session, damaged[i]);
        }
        bytes += n;
    }
    CHECK(bad_answers == 0, "%u answers were not valid frames", (unsigned)bad_answers);
    CHECK(oversized_requests == 0, "%u requests over the max payload reached the executor", (unsigned)oversized_requests);
    CHECK(answers > ROUNDS / 10U, "only %u answers in %u rounds: the damage left too few requests intact",
          (unsigned)answers, (unsigned)ROUNDS);
    printf("%u rounds, %llu bytes fed, %u answers, %u executed; dropped: cobs %u, short %u, crc %u, length %u, "
           "overlong %u, version %u, kind %u\n",
           (unsigned)ROUNDS, (unsigned long long)bytes, (unsigned)answers, (unsigned)session.executed,
           (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_COBS], (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_SHORT],
           (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_CRC], (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_LENGTH],
           (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_OVERLONG],
           (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_VERSION], (unsigned)session.decoder.dropped[AIMC_FRAME_ERR_KIND]);
    return check_result("stream");
}
