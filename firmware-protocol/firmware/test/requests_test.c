/* The requests of PROTOCOL.md section 6 on the soft chip, through the executor: closed-form results (an MVM is the
 * integer sum of input code times weight level until a column count passes the ADC's top code, which saturates),
 * the answer layouts field by field, and every error path with its NAK code and message. */
#include <math.h>

#include "check.h"
#include "crc32c.h"
#include "frame.h"
#include "payload.h"
#include "requests.h"
#include "session.h"
#include "soft_chip.h"

static aimc_soft_chip soft;
static aimc_requests requests;
static uint8_t answer[65536];
static uint32_t answer_length;
static uint8_t kind;
static uint8_t payload[65536];

static void setup(void)
{
    char why[128];
    aimc_soft_config config = aimc_soft_default_config();
    config.tiles = 2;
    const aimc_chip *chip = aimc_soft_chip_init(&soft, &config, why, sizeof why);
    CHECK(chip != NULL && aimc_requests_init(&requests, chip), "soft chip: %s", why);
}

static void run(uint8_t minor, uint16_t opcode, const aimc_writer *w)
{
    answer_length = aimc_requests_execute(&requests, minor, opcode, payload, w == NULL ? 0 : w->at, answer,
                                          sizeof answer, &kind);
}

/* The answer is NAK code with exactly this message. */
static void check_nak(const char *what, uint16_t code, const char *message)
{
    size_t text = strlen(message);
    CHECK(kind == AIMC_KIND_NAK && answer_length == 2 + text && aimc_read_u16(answer) == code &&
              memcmp(answer + 2, message, text) == 0,
          "%s: expected NAK %u \"%s\", got kind %u code %u \"%.*s\"", what, code, message, kind,
          answer_length >= 2 ? aimc_read_u16(answer) : 0, answer_length >= 2 ? (int)(answer_length - 2) : 0,
          (const char *)answer + 2);
}

static void program_header(aimc_writer *w, int32_t tile, bool mask, bool verify, double tolerance, int32_t pulses,
                           int32_t rows, int32_t cols)
{
    aimc_writer_init(w, payload, sizeof payload);
    aimc_put_i32(w, tile);
    aimc_put_bool(w, mask);
    aimc_put_bool(w, verify);
    aimc_put_f64(w, tolerance);
    aimc_put_i32(w, pulses);
    aimc_put_i32(w, rows);
    aimc_put_i32(w, cols);
}

/* PROGRAM of a rows x cols grid, every target the same value. */
static void program_all(int32_t tile, int32_t rows, int32_t cols, float value)
{
    aimc_writer w;
    program_header(&w, tile, false, true, 0.02, 1000, rows, cols);
    for (int32_t k = 0; k < rows * cols; k++) {
        aimc_put_f32(&w, value);
    }
    run(2, AIMC_OPCODE_PROGRAM, &w);
}

static void mvm_request(aimc_writer *w, int32_t tile, int32_t batch, int32_t n, const int32_t *codes)
{
    aimc_writer_init(w, payload, sizeof payload);
    aimc_put_i32(w, tile);
    aimc_put_i32(w, batch);
    aimc_put_i32(w, n);
    for (int32_t k = 0; k < batch * n; k++) {
        aimc_put_i32(w, codes[k]);
    }
}

static float f32_at(const uint8_t *bytes)
{
    uint32_t bits = aimc_read_u32(bytes);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static double f64_at(const uint8_t *bytes)
{
    uint64_t bits = aimc_read_u32(bytes) | (uint64_t)aimc_read_u32(bytes + 4) << 32;
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static void check_info(void)
{
    run(2, AIMC_OPCODE_GET_INFO, NULL);
    CHECK(kind == AIMC_KIND_RSP, "GET_INFO answers");
    aimc_reader r;
    aimc_reader_init(&r, answer, answer_length);
    uint16_t name = aimc_get_u16(&r);
    const uint8_t *text = aimc_get_bytes(&r, name);
    CHECK(name == 16 && text != NULL && memcmp(text, "soft-crossbar-32", 16) == 0, "chip name");
    CHECK(aimc_get_u8(&r) == 2 && aimc_get_u8(&r) == 2 && aimc_get_u8(&r) == 1 && aimc_get_u8(&r) == 0,
          "charge_redistribution, sram, twos_complement_bits");
    CHECK(aimc_get_i32(&r) == 32 && aimc_get_i32(&r) == 32 && aimc_get_i32(&r) == 2, "32x32, 2 tiles");
    CHECK(aimc_get_i32(&r) == 15 && aimc_get_i32(&r) == 8 && aimc_get_i32(&r) == 5, "15 levels, 8-bit DAC, 5-bit ADC");
    CHECK(aimc_get_f64(&r) == 0.8, "input full scale V_DD");
    aimc_get_bytes(&r, aimc_get_u16(&r));
    CHECK(aimc_get_f64(&r) == 31 * (0.8 / 32), "output full scale: 31 shares of V_DD/32");
    aimc_get_bytes(&r, aimc_get_u16(&r));
    CHECK(aimc_get_f64(&r) == 31.0, "MAC full scale: 31 counts");
    CHECK(aimc_get_i32(&r) == -27559 && aimc_get_i32(&r) == 27559, "codes +-31*7*127");
    aimc_get_bytes(&r, aimc_get_u16(&r));
    uint16_t effects = aimc_get_u16(&r);
    for (uint16_t k = 0; k < effects; k++) {
        aimc_get_bytes(&r, aimc_get_u16(&r));
        aimc_get_bool(&r);
        aimc_get_f64(&r);
        aimc_get_bytes(&r, aimc_get_u16(&r));
        aimc_get_bytes(&r, aimc_get_u16(&r));
    }
    aimc_reader_end(&r);
    CHECK(!r.bad && effects == 3, "the ChipInfo layout ends where it should: %s", r.why);

    uint8_t extra = 0;
    answer_length = aimc_requests_execute(&requests, 2, AIMC_OPCODE_GET_INFO, &extra, 1, answer, sizeof answer, &kind);
    check_nak("GET_INFO with a byte", AIMC_NAK_BAD_PAYLOAD, "1 bytes left over after the last field");
}

static void check_program(void)
{
    /* 0.5 * 7 = 3.5 rounds away from zero to 4: representable 4/7; the rest of the tile is zeroed. */
    program_all(0, 2, 3, 0.5f);
    CHECK(kind == AIMC_KIND_RSP, "PROGRAM answers");
    CHECK(aimc_read_u32(answer) == 0 && aimc_read_u32(answer + 4) == 32 && aimc_read_u32(answer + 8) == 32,
          "the report covers the 32x32 tile");
    const uint32_t n = 1024;
    const uint8_t *targets = answer + 12, *representable = targets + 4 * n, *achieved = representable + 4 * n;
    const uint8_t *pulses = achieved + 4 * n, *tail = pulses + 4 * n;
    CHECK(f32_at(targets) == 0.5f && f32_at(targets + 4 * 34) == 0.5f && f32_at(targets + 4 * 3) == 0.0f,
          "targets: (0,0) and (1,2) 0.5, (0,3) 0");
    CHECK(f32_at(representable) == (float)(4.0 / 7.0) && f32_at(achieved) == (float)(4.0 / 7.0),
          "representable and achieved 4/7");
    CHECK(aimc_read_u32(pulses) == 4 && aimc_read_u32(pulses + 4 * 1023) == 4, "4 pulses per weight (one per bit)");
    CHECK(aimc_read_u32(tail) == 4096 && aimc_read_u32(tail + 4) == 0 && aimc_read_u32(tail + 8) == 0,
          "4096 pulses in all, no unconverged cell");
    CHECK(answer_length == 12 + 16 * n + 12, "report length %u", (unsigned)answer_length);

    /* A mask: only (0,1) is rewritten, (0,0) keeps 4/7. */
    aimc_writer w;
    program_header(&w, 0, true, false, 0, 1, 1, 2);
    aimc_put_f32(&w, -1.0f);
    aimc_put_f32(&w, -1.0f);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 2);
    aimc_put_u8(&w, 0x02);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    CHECK(kind == AIMC_KIND_RSP && f32_at(answer + 12 + 4 * n) == (float)(4.0 / 7.0) &&
              f32_at(answer + 12 + 4 * n + 4) == -1.0f && aimc_read_u32(answer + 12 + 12 * n) == 0 &&
              aimc_read_u32(answer + 12 + 12 * n + 4) == 4 && aimc_read_u32(answer + 12 + 16 * n) == 4,
          "masked PROGRAM: (0,0) kept with 0 pulses, (0,1) -1 with 4; 4 pulses in all");

    /* Errors, in the order the C# device server checks them. */
    program_header(&w, 0, true, false, 0, 1, 1, 2);
    aimc_put_f32(&w, 0);
    aimc_put_f32(&w, 0);
    aimc_put_i32(&w, 2);
    aimc_put_i32(&w, 1);
    aimc_put_u8(&w, 0x03);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("mask of another shape", AIMC_NAK_ARGUMENT,
              "the cell selection is 2\xC3\x97" "1 but the targets are 1\xC3\x97" "2 (Parameter 'only')");
    program_header(&w, 0, false, true, NAN, 10, 0, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("NaN tolerance", AIMC_NAK_CHIP,
              "write-verify tolerance NaN: must be a fraction of the device's state range, from 0 to 1 (e.g. 0.02)");
    program_header(&w, 0, false, true, 1.1, 10, 0, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("tolerance 1.1", AIMC_NAK_CHIP,
              "write-verify tolerance 1.1: must be a fraction of the device's state range, from 0 to 1 (e.g. 0.02)");
    program_header(&w, 0, false, true, 0.02, 1001, 0, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("pulse budget", AIMC_NAK_CHIP,
              "write-verify budget of 1001 pulses per device: this rig allows 1 to 1000 per PROGRAM (its pulse budget); "
              "ask for fewer");
    program_header(&w, 2, false, true, 0.02, 10, 0, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("tile 2", AIMC_NAK_CHIP, "tile 2 does not exist: the chip has tiles 0 \xE2\x80\xA6 1");
    program_header(&w, 0, false, true, 0.02, 10, 33, 1);
    for (int k = 0; k < 33; k++) {
        aimc_put_f32(&w, 0);
    }
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("33 rows", AIMC_NAK_CHIP, "weights of shape 33\xC3\x97" "1 do not fit a 32\xC3\x97" "32 tile");
    program_header(&w, 0, false, true, 0.02, 10, 1, 2);
    aimc_put_f32(&w, 0);
    aimc_put_f32(&w, 1.5f);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("weight 1.5", AIMC_NAK_CHIP, "weight target 1.5 at row 0, column 1 is outside [-1, 1]");
    program_header(&w, 0, false, false, 0, 0, 1, 1);
    aimc_put_f32(&w, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("0 pulses without verify", AIMC_NAK_CHIP, "write-verify needs at least 1 pulse per cell, not 0");
    program_header(&w, 0, false, true, 0.02, 10, 1, 2);
    aimc_put_f32(&w, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("one target short", AIMC_NAK_BAD_PAYLOAD, "2 values of 4 bytes need 8 bytes, 4 are left");
    program_header(&w, 0, false, true, 0.02, 10, 0, 0);
    payload[5] = 2;
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("bool 2", AIMC_NAK_BAD_PAYLOAD, "a boolean byte is 2, not 0 or 1");
    program_header(&w, 0, false, true, 0.02, 10, -1, 0);
    run(2, AIMC_OPCODE_PROGRAM, &w);
    check_nak("rows -1", AIMC_NAK_BAD_PAYLOAD, "rows is -1, outside 0..16777216");
    /* The weights the errors did not touch: (0,0) still 4/7. */
    CHECK(soft.level[0] == 4 && soft.level[1] == -7, "refused PROGRAMs change nothing");
}

static void check_mvm(void)
{
    /* Weights q = 1 .. 7 and -7 .. -1 in a pattern, inputs small enough that no count passes 31: the code is the
     * exact integer sum of x_i * q_ij. */
    aimc_writer w;
    program_header(&w, 1, false, false, 0, 1, 32, 32);
    int32_t q[32 * 32];
    for (int32_t k = 0; k < 32 * 32; k++) {
        q[k] = (k * 5 % 15) - 7;
        aimc_put_f32(&w, (float)q[k] / 7.0f);
    }
    run(2, AIMC_OPCODE_PROGRAM, &w);
    CHECK(kind == AIMC_KIND_RSP, "PROGRAM tile 1");
    int32_t x[2 * 32];
    for (int32_t k = 0; k < 64; k++) {
        x[k] = (k * 37 % 255) - 127;
    }
    mvm_request(&w, 1, 2, 32, x);
    run(2, AIMC_OPCODE_MVM, &w);
    CHECK(kind == AIMC_KIND_RSP && answer_length == 12 + 2 * 32 * 4 + 32 * 16, "MVM answers %u bytes",
          (unsigned)answer_length);
    CHECK(aimc_read_u32(answer) == 2 && aimc_read_u32(answer + 4) == 32, "batch 2, 32 columns");
    int32_t saturated = (int32_t)aimc_read_u32(answer + 8);
    int exact = 0;
    for (int32_t s = 0; s < 2; s++) {
        for (int32_t j = 0; j < 32; j++) {
            int32_t sum = 0;
            for (int32_t i = 0; i < 32; i++) {
                sum += x[s * 32 + i] * q[i * 32 + j];
            }
            exact += (int32_t)aimc_read_u32(answer + 12 + 4 * (uint32_t)(s * 32 + j)) == sum;
        }
    }
    CHECK(exact + saturated == 64 && exact > 0, "%d of 64 codes are the exact sums, %d saturated", exact, saturated);
    CHECK(f64_at(answer + 12 + 256) == 1.0 / (7.0 * 127.0) && f64_at(answer + 12 + 256 + 32 * 8) == 0.0,
          "MAC per code 1/(7*127), offset 0");

    /* Every count at 32 (q = 7 = 0111b, x = 127 = 01111111b on all rows) clips at 31: 127 * 7 * 31 = 27559, and
     * every output is saturated. */
    program_all(0, 32, 32, 1.0f);
    for (int32_t k = 0; k < 32; k++) {
        x[k] = 127;
    }
    mvm_request(&w, 0, 1, 32, x);
    run(2, AIMC_OPCODE_MVM, &w);
    CHECK(aimc_read_u32(answer + 8) == 32 && (int32_t)aimc_read_u32(answer + 12) == 27559,
          "saturated %u, code %d", (unsigned)aimc_read_u32(answer + 8), (int32_t)aimc_read_u32(answer + 12));
    /* Fewer inputs than rows: the missing rows get 0. 31 rows of 127: 31 * 127 * 7 = 27559 without clipping. */
    mvm_request(&w, 0, 1, 31, x);
    run(2, AIMC_OPCODE_MVM, &w);
    CHECK(aimc_read_u32(answer + 8) == 0 && (int32_t)aimc_read_u32(answer + 12) == 27559, "31 inputs: no saturation");

    x[3] = -128;
    mvm_request(&w, 0, 1, 4, x);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("code -128", AIMC_NAK_CHIP, "input code -128 is outside the 8-bit DAC range [-127, 127]");
    x[3] = 0;
    mvm_request(&w, 0, 1, 33, x);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("33 inputs", AIMC_NAK_CHIP, "inputs have 33 values per vector but the tile has 32 rows");
    mvm_request(&w, 5, 1, 1, x);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("tile 5", AIMC_NAK_CHIP, "tile 5 does not exist: the chip has tiles 0 \xE2\x80\xA6 1");
    mvm_request(&w, 0, 65537, 0, x);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("65537 vectors", AIMC_NAK_TOO_LARGE,
              "an MVM of 65537 vectors: this rig takes at most 65536 per request; send fewer");
    mvm_request(&w, 0, 0, 0, NULL);
    aimc_write_u32(payload + 4, 1000);
    aimc_write_u32(payload + 8, 32);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("codes missing", AIMC_NAK_BAD_PAYLOAD, "a 1000\xC3\x97" "32 grid does not fit in the 0 bytes left");
    mvm_request(&w, 0, 1, 2, x);
    aimc_put_u8(&w, 0);
    run(2, AIMC_OPCODE_MVM, &w);
    check_nak("a byte too many", AIMC_NAK_BAD_PAYLOAD, "1 bytes left over after the last field");
    /* An answer larger than the buffer this rig sends from is refused before the chip runs. */
    int32_t zero[32] = {0};
    mvm_request(&w, 0, 1, 32, zero);
    answer_length = aimc_requests_execute(&requests, 2, AIMC_OPCODE_MVM, payload, w.at, answer, 600, &kind);
    check_nak("answer over 600 bytes", AIMC_NAK_TOO_LARGE,
              "the answer to an MVM of 1 vectors exceeds the 600 bytes this rig can send; send fewer");
}

static void check_mvm_packed(void)
{
    /* Tile 0 holds q = 7 everywhere; 3 rows of x = 1: every output 21, in 16-bit codes (the ADC's +-27559). */
    aimc_writer w;
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 3);
    aimc_put_u32(&w, 0);
    aimc_put_u8(&w, 8);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 1);
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    CHECK(kind == AIMC_KIND_RSP && answer_length == 12 + 2 + 64 + 5 + 512, "MVM_PACKED answers %u bytes",
          (unsigned)answer_length);
    CHECK(answer[12] == 16 && answer[13] == 1 && aimc_read_u16(answer + 14) == 21 && aimc_read_u16(answer + 14 + 62) == 21,
          "16-bit signed codes of 21");
    uint32_t crc = aimc_read_u32(answer + 78);
    CHECK(answer[82] == 1 && crc == aimc_crc32c(answer + 83, 512), "scales sent, with their CRC");
    /* The host holds these scales: they are left out. */
    aimc_write_u32(payload + 12, crc);
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    CHECK(answer_length == 83 && answer[82] == 0 && aimc_read_u32(answer + 78) == crc, "scales held: left out");
    /* 6-bit codes: 3 codes in 18 bits, 3 bytes; the padding bits must be zero. */
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 3);
    aimc_put_u32(&w, 0);
    aimc_put_u8(&w, 6);
    aimc_put_u8(&w, 0x41); /* 1, then 1 */
    aimc_put_u8(&w, 0x10); /* 1 */
    aimc_put_u8(&w, 0x00);
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    CHECK(kind == AIMC_KIND_RSP && aimc_read_u16(answer + 14) == 21, "6-bit codes");
    payload[19] = 0x04;
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    check_nak("padding", AIMC_NAK_BAD_PAYLOAD, "the padding bits after 3 codes of 6 bits are not zero");
    payload[16] = 33;
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    check_nak("33-bit codes", AIMC_NAK_BAD_PAYLOAD, "a code width of 33 bits is outside 1..32");
    /* A 10-bit code of -128 is out of the DAC's range, in its own words. */
    payload[16] = 10;
    w.at = 17;
    aimc_put_u16(&w, 0x0380); /* -128 in 10 bits */
    aimc_put_u16(&w, 0);
    run(2, AIMC_OPCODE_MVM_PACKED, &w);
    check_nak("packed -128", AIMC_NAK_CHIP, "input code -128 is outside the 8-bit DAC range [-127, 127]");
}

static void check_program_cells(void)
{
    const uint32_t n = 1024;
    /* GAPS: cells 1 and 130 (gap 1, then 128: two bytes) of a 2x100 grid, Q14 targets 0.5 and -0.25. */
    aimc_writer w;
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    aimc_put_bool(&w, true);
    aimc_put_f64(&w, 0.02);
    aimc_put_i32(&w, 100);
    aimc_put_i32(&w, 2);
    aimc_put_i32(&w, 30);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 1);
    aimc_put_u32(&w, 2);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 0x80 | 28);
    aimc_put_u8(&w, 0);
    aimc_put_u16(&w, 8192);
    aimc_put_u16(&w, (uint16_t)-4096);
    /* gap 28 after cell 1: cell 30 = row 1, column 0 of the 2x30 grid */
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    CHECK(kind == AIMC_KIND_RSP, "PROGRAM_CELLS answers: %.*s", (int)answer_length - 2, (const char *)answer + 2);
    CHECK(aimc_read_u32(answer + 4) == 32 && aimc_read_u32(answer + 8) == 32 && aimc_read_u32(answer + 12) == 8 &&
              aimc_read_u32(answer + 20) == 5 && aimc_read_u32(answer + 24) == 1022 &&
              aimc_read_u32(answer + 40) == 2 && aimc_read_u32(answer + 44) == 0,
          "8 pulses; histogram of 5 bins: 1022 cells at 0, 2 at 4; no unconverged cell");
    const uint8_t *grids = answer + 49;
    CHECK(answer[48] == 1 && f32_at(grids + 4) == 0.5f && f32_at(grids + 4 * 32) == -0.25f &&
              f32_at(grids + 4 * n + 4) == (float)(4.0 / 7.0) && f32_at(grids + 4 * n + 4 * 32) == (float)(-2.0 / 7.0) &&
              answer_length == 49 + 16 * n,
          "per-weight grids: targets 0.5 at (0,1), -0.25 at (1,0), representable 4/7 and -2/7");

    /* BITMAP summary of a 1x3 grid selecting cells 0 and 2, F32. */
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    aimc_put_bool(&w, false);
    aimc_put_f64(&w, 0);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 3);
    aimc_put_u8(&w, 0);
    aimc_put_u8(&w, 0);
    aimc_put_u8(&w, 2);
    aimc_put_u8(&w, 0x05);
    aimc_put_f32(&w, 1.0f);
    aimc_put_f32(&w, -1.0f);
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    CHECK(kind == AIMC_KIND_RSP && answer[answer_length - 1] == 0 && answer_length == 49 &&
              soft.level[0] == 7 && soft.level[1] == 4 && soft.level[2] == -7,
          "BITMAP: cells 0 and 2 rewritten, cell 1 kept; a summary without grids");

    uint16_t bad = 16385;
    payload[w.at - 8] = (uint8_t)bad; /* not used: rebuild below with Q14 */
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    aimc_put_bool(&w, false);
    aimc_put_f64(&w, 0);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 1);
    aimc_put_i32(&w, 1);
    aimc_put_u8(&w, 0);
    aimc_put_u8(&w, 1);
    aimc_put_u8(&w, 0);
    aimc_put_u16(&w, bad);
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    check_nak("Q14 16385", AIMC_NAK_BAD_PAYLOAD,
              "Q14 target 16385 of listed cell 0 is outside \xC2\xB1" "16384 (a weight in [-1, 1])");
    payload[w.at - 5] = 2;
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    check_nak("report 2", AIMC_NAK_BAD_PAYLOAD, "report 2 is neither 0 (summary) nor 1 (per weight)");
    payload[w.at - 5] = 0;
    payload[w.at - 3] = 3;
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    check_nak("selection 3", AIMC_NAK_BAD_PAYLOAD, "cell selection 3 is not 0 (all), 1 (gaps) or 2 (bitmap)");
    /* A gap list pointing past the grid. */
    payload[w.at - 3] = 1;
    w.at -= 2;
    aimc_put_u32(&w, 1);
    aimc_put_u8(&w, 1);
    aimc_put_u16(&w, 0);
    run(2, AIMC_OPCODE_PROGRAM_CELLS, &w);
    check_nak("gap past the grid", AIMC_NAK_BAD_PAYLOAD, "listed cell 0 has index 1, outside the 1 cells of the grid");
}

static void check_readback_clock_and_others(void)
{
    aimc_writer w;
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_i32(&w, 0);
    run(2, AIMC_OPCODE_READBACK, &w);
    CHECK(kind == AIMC_KIND_RSP && f32_at(answer + 12) == 1.0f && f32_at(answer + 16) == (float)(4.0 / 7.0) &&
              f32_at(answer + 20) == -1.0f && aimc_read_u16(answer + 12 + 4096) == 4,
          "READBACK: weights 1, 4/7, -1; 4 bit arrays");
    const uint8_t *array = answer + 12 + 4096 + 2;
    CHECK(aimc_read_u16(array) == 4 && memcmp(array + 2, "bit0", 4) == 0 && f64_at(array + 6) == 1e-15 &&
              aimc_read_u16(array + 14) == 1 && array[16] == 'F' && f32_at(array + 25) == 1.0f &&
              f32_at(array + 29) == 0.0f && f32_at(array + 33) == 1.0f,
          "bit0 in F of 1e-15: 1 (7 = 0111b), 0 (4 = 0100b), 1 (-7 = 1001b)");
    CHECK(answer_length == 12 + 4096 + 2 + 4 * (2 + 4 + 8 + 2 + 1 + 8 + 4096), "READBACK length %u",
          (unsigned)answer_length);
    aimc_put_u8(&w, 0);
    run(2, AIMC_OPCODE_READBACK, &w);
    check_nak("READBACK of 5 bytes", AIMC_NAK_BAD_PAYLOAD, "1 bytes left over after the last field");

    run(2, AIMC_OPCODE_CLOCK_GET, NULL);
    CHECK(kind == AIMC_KIND_RSP && answer_length == 9 && f64_at(answer) == 0.0 && answer[8] == 1, "CLOCK_GET 0 s, virtual");
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_f64(&w, 2.5);
    run(2, AIMC_OPCODE_CLOCK_ADVANCE, &w);
    CHECK(kind == AIMC_KIND_RSP && f64_at(answer) == 2.5, "CLOCK_ADVANCE by 2.5 s");
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_f64(&w, -1);
    run(2, AIMC_OPCODE_CLOCK_ADVANCE, &w);
    check_nak("advance by -1 s", AIMC_NAK_CHIP, "the clock can only move forward by a finite time, not -1 s");
    aimc_writer_init(&w, payload, sizeof payload);
    aimc_put_u64(&w, 7);
    run(2, AIMC_OPCODE_RESEED, &w);
    check_nak("RESEED", AIMC_NAK_UNSUPPORTED, "this rig is hardware; its noise cannot be reseeded");
    run(2, 0x0099, NULL);
    check_nak("opcode 0x0099", AIMC_NAK_UNKNOWN_OPCODE, "opcode 0x0099 is not one this firmware knows");
}

int main(void)
{
    setup();
    check_info();
    check_program();
    check_mvm();
    check_mvm_packed();
    check_program_cells();
    check_readback_clock_and_others();
    return check_result("requests");
}
