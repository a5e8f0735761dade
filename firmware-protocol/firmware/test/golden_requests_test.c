/* Every golden request of ../vectors/frames.json through the whole firmware (session, requests, a soft chip of four
 * 16x16 tiles so every tile the vectors name exists), after a 1.2 HELLO: each is decoded as its meaning says and
 * answered as PROTOCOL.md section 6 says, never with BAD_PAYLOAD. The golden answers come from the emulator behind the
 * C# server, another chip, so their layouts are checked here, not their numbers. */
#include "check.h"
#include "frame.h"
#include "golden_vectors.h"
#include "requests.h"
#include "session.h"
#include "soft_chip.h"

static aimc_session session;
static aimc_soft_chip soft;
static aimc_requests requests;
static uint8_t upload[8192];
static uint8_t response[16384];
static aimc_frame_decoder reader;
static aimc_frame_header last;
static uint8_t last_payload[AIMC_FRAME_MAX_PAYLOAD];
static int frames;

static void capture(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    for (size_t i = 0; i < count; i++) {
        if (aimc_frame_decoder_push(&reader, bytes[i]) == AIMC_FRAME_OK) {
            last = reader.header;
            memcpy(last_payload, reader.payload, reader.header.length);
            frames++;
        }
    }
}

/* Feeds a golden frame; returns the last frame answered (kind 0 when none). */
static const aimc_frame_header *feed(const char *name)
{
    const golden_vector *v = golden_vector_named(name);
    memset(&last, 0, sizeof last);
    frames = 0;
    for (size_t i = 0; i < v->wire_length; i++) {
        aimc_session_receive(&session, v->wire[i]);
    }
    return &last;
}

static void start(void)
{
    char why[128];
    aimc_soft_config config = aimc_soft_default_config();
    config.rows = 16;
    config.cols = 16;
    config.tiles = 4;
    config.adc_bits = 4;
    const aimc_chip *chip = aimc_soft_chip_init(&soft, &config, why, sizeof why);
    CHECK(chip != NULL && aimc_requests_init(&requests, chip), "soft chip: %s", why);
    aimc_identity id = {2, 8, 4096, 0x000100, aimc_requests_capabilities(chip), 1, "golden", 1000, 60000, sizeof upload};
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_session_attach(&session, upload, sizeof upload, response, sizeof response);
    aimc_session_boot(&session, &id, capture, aimc_requests_execute, &requests);
    CHECK(feed("hello-request-1.2")->kind == AIMC_KIND_RSP, "HELLO 1.2");
}

static bool answered(const char *name, uint8_t kind)
{
    const aimc_frame_header *h = feed(name);
    bool ok = h->kind == kind && h->sequence == golden_vector_named(name)->sequence;
    CHECK(ok, "%s: answered kind %u (NAK %u: %.*s)", name, h->kind, h->kind == AIMC_KIND_NAK ? aimc_read_u16(last_payload) : 0,
          h->kind == AIMC_KIND_NAK ? (int)h->length - 2 : 0, (const char *)last_payload + 2);
    return ok;
}

static int8_t level(int32_t tile, int32_t row, int32_t col)
{
    return soft.level[tile * 256 + row * 16 + col];
}

int main(void)
{
    start();
    CHECK(answered("get-info-request", AIMC_KIND_RSP), "GET_INFO");

    /* PROGRAM tile 0, targets [0.5, -0.25; 1, 0], mask [1 0; 0 1]: only (0,0) = round(3.5) = 4 and (1,1) = 0. */
    soft.level[1] = 5;
    if (answered("program-request", AIMC_KIND_RSP)) {
        CHECK(level(0, 0, 0) == 4 && soft.level[1] == 5 && level(0, 1, 1) == 0, "masked PROGRAM wrote (0,0) and (1,1) only");
    }
    /* PROGRAM_CELLS ALL, Q14 [0.5, -0.25; 1, 0]: levels 4, round(-1.75) = -2, 7, 0, and the rest of the tile 0. */
    if (answered("program-cells-request-all", AIMC_KIND_RSP)) {
        CHECK(level(0, 0, 0) == 4 && level(0, 0, 1) == -2 && level(0, 1, 0) == 7 && level(0, 1, 1) == 0 && level(0, 5, 5) == 0,
              "PROGRAM_CELLS ALL");
        CHECK(last_payload[last.length - 1] == 0, "a short report");
    }
    /* GAPS on tile 2 of cells 1, 6, 200 of a 16x16 grid: 0.125 -> round(0.875) = 1, -1 -> -7, 0.75 -> round(5.25) = 5. */
    if (answered("program-cells-request-gaps", AIMC_KIND_RSP)) {
        CHECK(level(2, 0, 1) == 1 && level(2, 0, 6) == -7 && level(2, 12, 8) == 5, "PROGRAM_CELLS GAPS");
    }
    /* BITMAP [1 0; 0 1], f32 0.5 and 0, a per-weight report. */
    soft.level[1] = 3;
    if (answered("program-cells-request-bitmap", AIMC_KIND_RSP)) {
        CHECK(level(0, 0, 0) == 4 && soft.level[1] == 3 && level(0, 1, 1) == 0, "PROGRAM_CELLS BITMAP");
        CHECK(last.flags == AIMC_FLAG_BEGIN && last.length == 8, "the per-weight report of a 16x16 tile goes as a bulk answer");
    }
    /* MVM tile 1 (all zero), codes [127, -127, 0]: batch 1, 16 columns of 0. */
    if (answered("mvm-request", AIMC_KIND_RSP)) {
        CHECK(aimc_read_u32(last_payload) == 1 && aimc_read_u32(last_payload + 4) == 16 && aimc_read_u32(last_payload + 12) == 0,
              "MVM: batch 1, 16 columns");
    }
    if (answered("mvm-packed-request", AIMC_KIND_RSP)) {
        CHECK(aimc_read_u32(last_payload) == 2 && last_payload[13] == 1, "MVM_PACKED: batch 2, signed codes");
    }
    /* 6-bit codes [31, -31, 0, 1, -1] on tile 0 (row 0: 4, -2; row 1: 7, 0): column 0 = 31*4 - 31*7 = -93, in the
     * 15 bits of the ADC's codes +-15*7*127. */
    if (answered("mvm-packed-request-6bit", AIMC_KIND_RSP)) {
        uint32_t raw = aimc_read_u16(last_payload + 14) & 0x7FFFU;
        int32_t code = (int32_t)raw - (raw & 0x4000U ? 0x8000 : 0);
        uint32_t next = (aimc_read_u32(last_payload + 14) >> 15) & 0x7FFFU;
        CHECK(next == 93, "column 1: 31 * 3 = %u", (unsigned)next);
        CHECK(last_payload[12] == 15 && code == -93, "6-bit MVM_PACKED: %d at %u bits", code, last_payload[12]);
    }
    CHECK(answered("readback-request", AIMC_KIND_RSP), "READBACK tile 3");
    CHECK(answered("clock-get-request", AIMC_KIND_RSP), "CLOCK_GET");
    if (answered("clock-advance-request", AIMC_KIND_RSP)) {
        uint64_t bits = aimc_read_u32(last_payload) | (uint64_t)aimc_read_u32(last_payload + 4) << 32;
        double seconds;
        memcpy(&seconds, &bits, sizeof seconds);
        CHECK(seconds == 3600.0 && last_payload[8] == 1, "CLOCK_ADVANCE by 3600 s: %g", seconds);
    }
    if (answered("reseed-request", AIMC_KIND_NAK)) {
        CHECK(aimc_read_u16(last_payload) == AIMC_NAK_UNSUPPORTED, "RESEED on a chip with nothing random: UNSUPPORTED");
    }
    if (answered("auth-request", AIMC_KIND_NAK)) {
        CHECK(aimc_read_u16(last_payload) == AIMC_NAK_UNSUPPORTED, "AUTH without a secret: UNSUPPORTED");
    }
    /* The bulk upload vectors: an object of 262 196 bytes is more than this rig holds. */
    if (answered("bulk-begin", AIMC_KIND_NAK)) {
        CHECK(aimc_read_u16(last_payload) == AIMC_NAK_TOO_LARGE, "BEGIN of 262196 bytes: TOO_LARGE");
    }
    if (answered("bulk-commit", AIMC_KIND_NAK)) {
        CHECK(aimc_read_u16(last_payload) == AIMC_NAK_TRANSFER, "COMMIT without its upload: TRANSFER");
    }
    /* DATA and ACK of no transfer of this session are ignored. */
    feed("bulk-data");
    CHECK(frames == 0, "DATA of no upload: no answer");
    feed("download-resend");
    CHECK(frames == 0, "RESEND of no download: no answer");
    return check_result("golden_requests");
}
