/* The `tc1` back-end against the C# DirectChip's golden register-bus traffic (test/tc1_transactions.json): a fake
 * aimc_hal_spi_transfer checks every transaction byte for byte and answers with the recorded MISO bytes, and the
 * back-end must decode those answers into the reports, states and codes DirectChip decoded. Then the faults: a DONE
 * that never rises and STATUS ERROR end in NAK CHIP through the request layer. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "frame.h"
#include "hal.h"
#include "requests.h"
#include "tc1_chip.h"
#include "tc1_records.h"

/* The fake buses: the operation being replayed and the transaction expected next. */
static const tc1_operation *replaying;
static int next_transaction;
static long offset;
static int start_writes[16];
static int start_count;
static bool done_answers = true;
static uint8_t status_answer; /* what STATUS reads when not replaying */
static bool id_answers;       /* whether ID reads 7C 01 when not replaying */
static int free_transactions; /* transactions when not replaying */
static int word_lines[TC1_ROWS];
static int sample;

void aimc_hal_spi_transfer(const uint8_t *tx, uint8_t *rx, size_t count)
{
    if (replaying == NULL) { /* not replaying a record: a chip that reads zeros, but for ID, GEOMETRY and STATUS */
        free_transactions++;
        if (rx != NULL) {
            uint8_t reg = tx[1];
            memset(rx, 0, count);
            if (reg == 0x00 && count == 5 && id_answers) {
                rx[3] = 0x7C;
                rx[4] = 0x01;
            } else if (reg == 0x01 && count == 9) {
                rx[4] = TC1_ROWS;
                rx[6] = TC1_COLS;
                rx[7] = TC1_TILES;
                rx[8] = TC1_INPUT_BITS;
            } else if (reg == 0x02 && count == 4) {
                rx[3] = status_answer;
            }
        }
        return;
    }
    if (next_transaction >= replaying->count) {
        CHECK(false, "a transaction beyond the record (%s): %zu bytes starting %02X %02X",
              replaying->operation, count, tx[0], count > 1 ? tx[1] : 0);
        return;
    }
    int length = replaying->length[next_transaction];
    CHECK((size_t)length == count, "%s transaction %d: %zu bytes, DirectChip sent %d", replaying->operation,
          next_transaction, count, length);
    if ((size_t)length == count) {
        CHECK_BYTES(tx, replaying->mosi + offset, count, "%s transaction %d: MOSI differs from DirectChip's (register 0x%02X)",
                    replaying->operation, next_transaction, tx[1]);
        if (rx != NULL) {
            memcpy(rx, replaying->miso + offset, count);
        }
    }
    offset += length;
    next_transaction++;
}

void aimc_hal_start_write(bool high)
{
    if (start_count < 16) {
        start_writes[start_count++] = high ? 1 : 0;
    }
}

bool aimc_hal_done_wait(uint32_t timeout_ms)
{
    (void)timeout_ms;
    return done_answers;
}

void aimc_hal_word_lines_write(const int32_t *codes, int32_t count)
{
    CHECK(count == TC1_ROWS, "%d word lines, the chip has %d rows", (int)count, TC1_ROWS);
    for (int32_t i = 0; i < count && i < TC1_ROWS; i++) {
        word_lines[i] = codes[i];
    }
}

/* The codes DirectChip read from the ADCs for this sample. */
void aimc_hal_columns_read(int32_t *codes, int32_t count)
{
    for (int32_t j = 0; j < count; j++) {
        codes[j] = mvm_codes[(sample % MVM_SAMPLES) * TC1_COLS + j];
    }
}

uint32_t aimc_hal_millis(void)
{
    return 1500;
}

static void replay(int operation)
{
    replaying = &tc1_operations[operation];
    next_transaction = 0;
    offset = 0;
}

static void replayed_all(void)
{
    CHECK(next_transaction == replaying->count, "%s: %d transactions, DirectChip made %d", replaying->operation,
          next_transaction, replaying->count);
}

static aimc_tc1_config board(void)
{
    aimc_tc1_config config = {0};
    config.name = "tc1";
    config.domain = 0;
    config.device = 1;
    config.differential_pair = true;
    config.adc_bits = 10;
    config.adc_code_min = 0;
    config.adc_code_max = 1023;
    config.code_rail_low = TC1_RAIL_LOW;
    config.code_rail_high = TC1_RAIL_HIGH;
    config.mac_per_code = mvm_mac_per_code[0];
    config.mac_offset = mvm_mac_offset[0];
    config.input_half_span_volts = 1.25;
    config.output_half_span_volts = 1.65;
    config.mac_full_scale = 8;
    config.done_timeout_ms = TC1_DONE_TIMEOUT_MS;
    config.max_pulses_per_cell = 255;
    return config;
}

#define TC1_CELLS (TC1_ROWS * TC1_COLS)

/* The targets the request layer would give: the selected cells in increasing order. */
typedef struct {
    const int *selected;
    const float *targets;
    int32_t next;
} listed_targets;

static void listed_start(void *context)
{
    ((listed_targets *)context)->next = 0;
}

static bool listed_next(void *context, int32_t *cell, float *target)
{
    listed_targets *list = context;
    while (list->next < TC1_CELLS && !list->selected[list->next]) {
        list->next++;
    }
    if (list->next >= TC1_CELLS) {
        return false;
    }
    *cell = list->next;
    *target = list->targets[list->next++];
    return true;
}

/* What the back-end streamed of one report, and how often each cell's field came (chip.h: once each). */
typedef struct {
    float value[3][TC1_CELLS];
    int pulses[TC1_CELLS];
    int unconverged[TC1_CELLS];
    int count[4][TC1_CELLS];
    int32_t last_unconverged;
    bool order_broken; /* a pulse count after an unconverged cell, or the unconverged cells out of order */
} recorded_report;

static void record_value(void *context, aimc_report_field field, int32_t cell, float value)
{
    recorded_report *r = context;
    if (cell >= 0 && cell < TC1_CELLS && field <= AIMC_REPORT_ACHIEVED) {
        r->value[field][cell] = value;
        r->count[field][cell]++;
    }
}

static void record_pulses(void *context, int32_t cell, int32_t pulses)
{
    recorded_report *r = context;
    r->order_broken |= r->last_unconverged >= 0;
    if (cell >= 0 && cell < TC1_CELLS) {
        r->pulses[cell] = pulses;
        r->count[3][cell]++;
    }
}

static void record_unconverged(void *context, int32_t cell)
{
    recorded_report *r = context;
    r->order_broken |= cell <= r->last_unconverged;
    r->last_unconverged = cell;
    if (cell >= 0 && cell < TC1_CELLS) {
        r->unconverged[cell]++;
    }
}

static void program(const aimc_chip *chip, int operation, int32_t tile, bool all, const int *selected,
                    const float *targets, bool verify, double tolerance, int32_t max_pulses, const float *achieved,
                    const float *representable, const int *pulses, const int *unconverged, int64_t total)
{
    replay(operation);
    listed_targets list = {selected, targets, 0};
    aimc_targets source = {&list, listed_start, listed_next};
    static recorded_report report;
    memset(&report, 0, sizeof report);
    report.last_unconverged = -1;
    aimc_report_sink sink = {&report, record_value, record_pulses, record_unconverged};
    aimc_write_verify options = {verify, tolerance, max_pulses};
    chip->program(chip->context, tile, all, &source, &options, &sink);
    replayed_all();
    CHECK(chip->fault(chip->context) == NULL, "%s failed: %s", replaying->operation, chip->fault(chip->context));
    CHECK(!report.order_broken, "%s: a pulse count after an unconverged cell, or unconverged cells out of order",
          replaying->operation);
    for (int32_t k = 0; k < TC1_CELLS; k++) {
        for (int field = 0; field < 4; field++) {
            CHECK(report.count[field][k] == 1, "%s cell %d: field %d reported %d times", replaying->operation, (int)k,
                  field, report.count[field][k]);
        }
        CHECK(report.value[AIMC_REPORT_ACHIEVED][k] == achieved[k], "%s cell %d: achieved %.9g, DirectChip %.9g",
              replaying->operation, (int)k, report.value[AIMC_REPORT_ACHIEVED][k], achieved[k]);
        CHECK(report.value[AIMC_REPORT_REPRESENTABLE][k] == representable[k],
              "%s cell %d: representable %.9g, DirectChip %.9g", replaying->operation, (int)k,
              report.value[AIMC_REPORT_REPRESENTABLE][k], representable[k]);
        CHECK(report.pulses[k] == pulses[k], "%s cell %d: %d pulses, DirectChip %d", replaying->operation, (int)k,
              report.pulses[k], pulses[k]);
        CHECK(report.unconverged[k] == (unconverged[k] ? 1 : 0), "%s cell %d: reported unconverged %d times",
              replaying->operation, (int)k, report.unconverged[k]);
        float expected = selected[k] ? targets[k] : 0.0f;
        CHECK(report.value[AIMC_REPORT_TARGET][k] == expected, "%s cell %d: target %.9g, expected %.9g",
              replaying->operation, (int)k, report.value[AIMC_REPORT_TARGET][k], expected);
    }
    CHECK(chip->total_pulses(chip->context, tile) == total, "%s: %lld total pulses, DirectChip %lld",
          replaying->operation, (long long)chip->total_pulses(chip->context, tile), (long long)total);
}

/* What the back-end streamed of a READBACK: weights (set once, then at most added to) and states. */
typedef struct {
    float weight[TC1_CELLS];
    float state[2][TC1_CELLS];
    int weight_sets[TC1_CELLS];
    int state_count[2][TC1_CELLS];
    bool add_before_set;
} recorded_readback;

static void record_weight(void *context, int32_t cell, float value, bool add)
{
    recorded_readback *r = context;
    if (cell >= 0 && cell < TC1_CELLS) {
        r->add_before_set |= add && r->weight_sets[cell] == 0;
        r->weight[cell] = add ? r->weight[cell] + value : value;
        r->weight_sets[cell] += add ? 0 : 1;
    }
}

static void record_state(void *context, uint16_t array, int32_t cell, float value)
{
    recorded_readback *r = context;
    if (array < 2 && cell >= 0 && cell < TC1_CELLS) {
        r->state[array][cell] = value;
        r->state_count[array][cell]++;
    }
}

static void golden(void)
{
    static aimc_tc1_chip tc1;
    aimc_tc1_config config = board();
    char why[200];
    replay(0);
    const aimc_chip *chip = aimc_tc1_chip_init(&tc1, &config, why, sizeof why);
    CHECK(chip != NULL, "init failed: %s", why);
    if (chip == NULL) {
        return;
    }
    replayed_all();
    CHECK(chip->shape.rows == TC1_ROWS && chip->shape.cols == TC1_COLS && chip->shape.tiles == TC1_TILES &&
              chip->shape.dac_bits == TC1_INPUT_BITS,
          "GEOMETRY decoded as %d x %d, %d tiles, %d bits", (int)chip->shape.rows, (int)chip->shape.cols,
          (int)chip->shape.tiles, (int)chip->shape.dac_bits);

    program(chip, PROGRAM_OP, PROGRAM_TILE, PROGRAM_ALL, program_selected, program_targets, PROGRAM_VERIFY,
            PROGRAM_TOLERANCE, PROGRAM_MAX_PULSES, program_achieved, program_representable, program_pulses,
            program_unconverged, PROGRAM_TOTAL_PULSES);
    program(chip, PROGRAM_MASKED_OP, PROGRAM_MASKED_TILE, PROGRAM_MASKED_ALL, program_masked_selected,
            program_masked_targets, PROGRAM_MASKED_VERIFY, PROGRAM_MASKED_TOLERANCE, PROGRAM_MASKED_MAX_PULSES,
            program_masked_achieved, program_masked_representable, program_masked_pulses, program_masked_unconverged,
            PROGRAM_MASKED_TOTAL_PULSES);

    /* READBACK: the weights (G+ - G-) and both arrays' states, streamed. */
    replay(READBACK_OP);
    static recorded_readback readback;
    aimc_readback_sink readback_sink = {&readback, record_weight, record_state};
    CHECK(chip->array_count == READBACK_ARRAYS, "%d arrays", chip->array_count);
    chip->read_back(chip->context, READBACK_TILE, &readback_sink);
    replayed_all();
    CHECK(chip->fault(chip->context) == NULL, "readback failed: %s", chip->fault(chip->context));
    CHECK(!readback.add_before_set, "readback: a weight added to before it was set");
    for (int32_t k = 0; k < TC1_CELLS; k++) {
        CHECK(readback.weight_sets[k] == 1, "readback weight %d set %d times", (int)k, readback.weight_sets[k]);
        CHECK(readback.weight[k] == readback_weights[k], "readback weight %d: %.9g, DirectChip %.9g", (int)k,
              readback.weight[k], readback_weights[k]);
    }
    for (uint16_t a = 0; a < chip->array_count && a < 2; a++) {
        for (int32_t k = 0; k < TC1_CELLS; k++) {
            float expected = readback_states[a * TC1_CELLS + k];
            CHECK(readback.state_count[a][k] == 1 && readback.state[a][k] == expected,
                  "readback array %d cell %d: %.9g (%d times), DirectChip %.9g", a, (int)k, readback.state[a][k],
                  readback.state_count[a][k], expected);
        }
    }

    replay(MVM_OP);
    int32_t saturated = 0;
    for (sample = 0; sample < MVM_SAMPLES; sample++) {
        int32_t codes[TC1_ROWS], outputs[TC1_COLS], vector_saturated = -1;
        for (int32_t i = 0; i < TC1_ROWS; i++) {
            codes[i] = mvm_inputs[sample * TC1_ROWS + i];
        }
        chip->mvm(chip->context, MVM_TILE, codes, outputs, &vector_saturated);
        saturated += vector_saturated;
        for (int32_t i = 0; i < TC1_ROWS; i++) {
            CHECK(word_lines[i] == codes[i], "sample %d word line %d: %d", sample, (int)i, word_lines[i]);
        }
        for (int32_t j = 0; j < TC1_COLS; j++) {
            CHECK(outputs[j] == mvm_codes[sample * TC1_COLS + j], "sample %d column %d: %d", sample, (int)j,
                  (int)outputs[j]);
            CHECK(chip->mac_per_code(chip->context, MVM_TILE, j) == mvm_mac_per_code[j] &&
                      chip->mac_offset(chip->context, MVM_TILE, j) == mvm_mac_offset[j],
                  "column %d scale", (int)j);
        }
    }
    replayed_all();
    CHECK(saturated == MVM_SATURATED, "%d saturated outputs, DirectChip %d", (int)saturated, MVM_SATURATED);
    CHECK(start_count == MVM_START_WRITES, "%d START writes, DirectChip %d", start_count, MVM_START_WRITES);
    for (int i = 0; i < start_count && i < MVM_START_WRITES; i++) {
        CHECK(start_writes[i] == mvm_start_writes[i], "START write %d: %d", i, start_writes[i]);
    }
}

static bool contains(const uint8_t *bytes, uint32_t length, const char *text)
{
    size_t n = strlen(text);
    for (uint32_t i = 0; i + n <= length; i++) {
        if (memcmp(bytes + i, text, n) == 0) {
            return true;
        }
    }
    return false;
}

/* Faults reach the host as NAK CHIP through the request layer, with the back-end's words. */
static void faults(void)
{
    static aimc_tc1_chip tc1;
    static aimc_requests requests;
    aimc_tc1_config config = board();
    char why[200];
    replay(0);
    const aimc_chip *chip = aimc_tc1_chip_init(&tc1, &config, why, sizeof why);
    if (chip == NULL) {
        CHECK(false, "init failed: %s", why);
        return;
    }
    aimc_requests_init(&requests, chip);
    /* MVM (opcode 0x0020): tile 0, 1 vector of 2 codes. */
    uint8_t request[] = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0};
    static uint8_t answer[4096];
    uint8_t kind = 0;
    replaying = NULL;
    done_answers = false;
    uint32_t length = aimc_requests_execute(&requests, 2, 0x0020, request, sizeof request, answer, sizeof answer, &kind);
    done_answers = true;
    const char *expected = "TC1: DONE did not rise within 100 ms of START; check the DONE and START wires and the chip's supplies";
    CHECK(kind == AIMC_KIND_NAK && contains(answer, length, expected), "MVM without DONE: %u bytes, kind %d",
          (unsigned)length, kind);
    CHECK(start_writes[start_count - 1] == 0, "START left high after a DONE timeout");

    /* PROGRAM (0x0010) of tile 0, no mask, verify, 2 %, 20 pulses, a 1x1 grid of 0.5, on a chip whose STATUS reads
     * ERROR after the command. */
    uint8_t program[] = {0, 0, 0, 0, 0, 1, 0x7B, 0x14, 0xAE, 0x47, 0xE1, 0x7A, 0x94, 0x3F, 20, 0, 0, 0,
                         1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x3F};
    status_answer = 0x06;
    length = aimc_requests_execute(&requests, 2, 0x0010, program, sizeof program, answer, sizeof answer, &kind);
    status_answer = 0;
    expected = "TC1: the chip refused a register write or the PROGRAM command (STATUS ERROR); check that the firmware's "
               "geometry matches the chip and that nothing else drives its bus";
    CHECK(kind == AIMC_KIND_NAK && contains(answer, length, expected), "PROGRAM with STATUS ERROR: %u bytes, kind %d",
          (unsigned)length, kind);
    length = aimc_requests_execute(&requests, 2, 0x0010, program, sizeof program, answer, sizeof answer, &kind);
    CHECK(kind == AIMC_KIND_RSP, "the next PROGRAM still failed: kind %d", kind);

    /* READBACK (0x0011) of tile 0 with STATUS ERROR: NAK CHIP, and the tile read once (COMMAND, ARRAY, REPORT_ROW
     * and two rows per array, STATUS), not once per cell. */
    uint8_t readback[] = {0, 0, 0, 0};
    status_answer = 0x04;
    free_transactions = 0;
    length = aimc_requests_execute(&requests, 2, 0x0011, readback, sizeof readback, answer, sizeof answer, &kind);
    status_answer = 0;
    expected = "TC1: the chip refused a register write or the READBACK command (STATUS ERROR)";
    CHECK(kind == AIMC_KIND_NAK && contains(answer, length, expected), "READBACK with STATUS ERROR: %u bytes, kind %d",
          (unsigned)length, kind);
    CHECK(free_transactions == 1 + 2 * (1 + 1 + TC1_ROWS) + 1, "READBACK took %d transactions", free_transactions);
}

static float f32_of(const uint8_t *bytes)
{
    uint32_t bits = aimc_read_u32(bytes);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The golden programs and read-back through the request layer: the back-end streams each report row into the answer,
 * which must hold DirectChip's values in PROTOCOL.md's layouts (6.3 for PROGRAM, 6.8 for PROGRAM_CELLS with the
 * per-weight grids after the histogram and the unconverged list, READBACK's weights and states). */
static void check_grids(const uint8_t *grids, const float *targets, const float *representable, const float *achieved,
                        const int *pulses, const char *what)
{
    for (int k = 0; k < TC1_CELLS; k++) {
        CHECK(f32_of(grids + 4 * k) == targets[k] && f32_of(grids + 4 * (TC1_CELLS + k)) == representable[k] &&
                  f32_of(grids + 4 * (2 * TC1_CELLS + k)) == achieved[k] &&
                  (int)aimc_read_u32(grids + 4 * (3 * TC1_CELLS + k)) == pulses[k],
              "%s cell %d: %.9g %.9g %.9g %u", what, k, f32_of(grids + 4 * k), f32_of(grids + 4 * (TC1_CELLS + k)),
              f32_of(grids + 4 * (2 * TC1_CELLS + k)), (unsigned)aimc_read_u32(grids + 4 * (3 * TC1_CELLS + k)));
    }
}

static const aimc_chip *fresh_chip(aimc_tc1_chip *tc1, aimc_requests *requests)
{
    aimc_tc1_config config = board();
    char why[200];
    replay(0);
    const aimc_chip *chip = aimc_tc1_chip_init(tc1, &config, why, sizeof why);
    CHECK(chip != NULL, "init failed: %s", why);
    if (chip != NULL) {
        aimc_requests_init(requests, chip);
    }
    return chip;
}

/* The head of a PROGRAM (has_mask 0 or 1) or, with has_mask -1, a PROGRAM_CELLS request on the whole tile. */
static void program_head(aimc_writer *w, uint8_t *request, uint32_t capacity, int32_t tile, int has_mask, bool verify,
                         double tolerance, int32_t max_pulses)
{
    aimc_writer_init(w, request, capacity);
    aimc_put_i32(w, tile);
    if (has_mask >= 0) {
        aimc_put_bool(w, has_mask == 1);
    }
    aimc_put_bool(w, verify);
    aimc_put_f64(w, tolerance);
    aimc_put_i32(w, max_pulses);
    aimc_put_i32(w, TC1_ROWS);
    aimc_put_i32(w, TC1_COLS);
}

static void streamed_answers(void)
{
    static aimc_tc1_chip tc1;
    static aimc_requests requests;
    static uint8_t answer[4096];
    uint8_t request[256], kind = 0;
    aimc_writer w;

    /* PROGRAM_CELLS (0x0012), every cell, f32, per-weight report: the golden whole-tile PROGRAM. */
    if (fresh_chip(&tc1, &requests) == NULL) {
        return;
    }
    program_head(&w, request, sizeof request, PROGRAM_TILE, -1, PROGRAM_VERIFY, PROGRAM_TOLERANCE, PROGRAM_MAX_PULSES);
    aimc_put_u8(&w, 1); /* per weight */
    aimc_put_u8(&w, 0); /* f32 */
    aimc_put_u8(&w, 0); /* all */
    for (int k = 0; k < TC1_CELLS; k++) {
        aimc_put_f32(&w, program_targets[k]);
    }
    replay(PROGRAM_OP);
    uint32_t length = aimc_requests_execute(&requests, 2, 0x0012, request, w.at, answer, sizeof answer, &kind);
    replayed_all();
    int most = 0, unconverged = 0;
    for (int k = 0; k < TC1_CELLS; k++) {
        most = program_pulses[k] > most ? program_pulses[k] : most;
        unconverged += program_unconverged[k];
    }
    uint32_t list = 28 + 4 * (uint32_t)(most + 1);
    CHECK(kind == AIMC_KIND_RSP && length == list + 4 * (uint32_t)unconverged + 1 + 16 * TC1_CELLS,
          "PROGRAM_CELLS: kind %d, %u bytes", kind, (unsigned)length);
    if (kind == AIMC_KIND_RSP && length == list + 4 * (uint32_t)unconverged + 1 + 16 * TC1_CELLS) {
        CHECK(aimc_read_u32(answer) == PROGRAM_TILE && aimc_read_u32(answer + 4) == TC1_ROWS &&
                  aimc_read_u32(answer + 8) == TC1_COLS && aimc_read_u32(answer + 12) == PROGRAM_TOTAL_PULSES &&
                  aimc_read_u32(answer + 16) == 0 && aimc_read_u32(answer + 20) == (uint32_t)(most + 1),
              "PROGRAM_CELLS: header");
        for (int bin = 0; bin <= most; bin++) {
            uint32_t count = 0;
            for (int k = 0; k < TC1_CELLS; k++) {
                count += program_pulses[k] == bin;
            }
            CHECK(aimc_read_u32(answer + 24 + 4 * bin) == count, "PROGRAM_CELLS: histogram bin %d", bin);
        }
        CHECK(aimc_read_u32(answer + list - 4) == (uint32_t)unconverged, "PROGRAM_CELLS: unconverged count");
        for (int k = 0, u = 0; k < TC1_CELLS; k++) {
            if (program_unconverged[k]) {
                CHECK(aimc_read_u32(answer + list + 4 * u++) == (uint32_t)k, "PROGRAM_CELLS: unconverged cell %d", k);
            }
        }
        CHECK(answer[list + 4 * unconverged] == 1, "PROGRAM_CELLS: per-weight flag");
        check_grids(answer + list + 4 * unconverged + 1, program_targets, program_representable, program_achieved,
                    program_pulses, "PROGRAM_CELLS");
    }

    /* PROGRAM (0x0010) of the same tile, no mask, then the golden masked PROGRAM and READBACK after it. */
    const aimc_chip *chip = fresh_chip(&tc1, &requests);
    if (chip == NULL) {
        return;
    }
    program_head(&w, request, sizeof request, PROGRAM_TILE, 0, PROGRAM_VERIFY, PROGRAM_TOLERANCE, PROGRAM_MAX_PULSES);
    for (int k = 0; k < TC1_CELLS; k++) {
        aimc_put_f32(&w, program_targets[k]);
    }
    replay(PROGRAM_OP);
    length = aimc_requests_execute(&requests, 2, 0x0010, request, w.at, answer, sizeof answer, &kind);
    replayed_all();
    uint32_t grids_end = 12 + 16 * TC1_CELLS;
    CHECK(kind == AIMC_KIND_RSP && length == grids_end + 12 + 8 * (uint32_t)unconverged, "PROGRAM: kind %d, %u bytes",
          kind, (unsigned)length);
    if (kind == AIMC_KIND_RSP && length == grids_end + 12 + 8 * (uint32_t)unconverged) {
        check_grids(answer + 12, program_targets, program_representable, program_achieved, program_pulses, "PROGRAM");
        CHECK(aimc_read_u32(answer + grids_end) == PROGRAM_TOTAL_PULSES &&
                  aimc_read_u32(answer + grids_end + 8) == (uint32_t)unconverged,
              "PROGRAM: totals");
        for (int k = 0, u = 0; k < TC1_CELLS; k++) {
            if (program_unconverged[k]) {
                CHECK(aimc_read_u32(answer + grids_end + 12 + 8 * u) == (uint32_t)(k / TC1_COLS) &&
                          aimc_read_u32(answer + grids_end + 16 + 8 * u) == (uint32_t)(k % TC1_COLS),
                      "PROGRAM: unconverged cell %d", k);
                u++;
            }
        }
    }
    program_head(&w, request, sizeof request, PROGRAM_MASKED_TILE, 1, PROGRAM_MASKED_VERIFY, PROGRAM_MASKED_TOLERANCE,
                 PROGRAM_MASKED_MAX_PULSES);
    uint8_t mask = 0;
    float masked_targets[TC1_CELLS];
    for (int k = 0; k < TC1_CELLS; k++) {
        /* An unselected cell's target is in the request too, and must not reach the chip. */
        masked_targets[k] = program_masked_selected[k] ? program_masked_targets[k] : 0.75f;
        aimc_put_f32(&w, masked_targets[k]);
        mask |= (uint8_t)(program_masked_selected[k] << k);
    }
    aimc_put_i32(&w, TC1_ROWS);
    aimc_put_i32(&w, TC1_COLS);
    aimc_put_u8(&w, mask);
    replay(PROGRAM_MASKED_OP);
    length = aimc_requests_execute(&requests, 2, 0x0010, request, w.at, answer, sizeof answer, &kind);
    replayed_all();
    CHECK(kind == AIMC_KIND_RSP && length > grids_end, "masked PROGRAM: kind %d, %u bytes", kind, (unsigned)length);
    if (kind == AIMC_KIND_RSP && length > grids_end) {
        check_grids(answer + 12, program_masked_targets, program_masked_representable, program_masked_achieved,
                    program_masked_pulses, "masked PROGRAM");
    }

    uint8_t readback_request[4] = {READBACK_TILE, 0, 0, 0};
    replay(READBACK_OP);
    length = aimc_requests_execute(&requests, 2, 0x0011, readback_request, sizeof readback_request, answer,
                                   sizeof answer, &kind);
    replayed_all();
    /* tile, shape, weights, u16 arrays, then per array: "G+"/"G-", full scale, "normalized", shape, states. */
    uint32_t array_bytes = 2 + 2 + 8 + 2 + 10 + 8 + 4 * TC1_CELLS;
    CHECK(kind == AIMC_KIND_RSP && length == 12 + 4 * TC1_CELLS + 2 + 2 * array_bytes, "READBACK: kind %d, %u bytes",
          kind, (unsigned)length);
    if (kind == AIMC_KIND_RSP && length == 12 + 4 * TC1_CELLS + 2 + 2 * array_bytes) {
        for (int k = 0; k < TC1_CELLS; k++) {
            CHECK(f32_of(answer + 12 + 4 * k) == readback_weights[k], "READBACK weight %d: %.9g", k,
                  f32_of(answer + 12 + 4 * k));
            for (int a = 0; a < 2; a++) {
                const uint8_t *states = answer + 12 + 4 * TC1_CELLS + 2 + a * array_bytes + array_bytes - 4 * TC1_CELLS;
                CHECK(f32_of(states + 4 * k) == readback_states[a * TC1_CELLS + k], "READBACK array %d state %d: %.9g",
                      a, k, f32_of(states + 4 * k));
            }
        }
    }
    (void)chip;
}

/* A chip that does not answer ID is no TC1: no back-end, and the reason. */
static void no_chip(void)
{
    static aimc_tc1_chip tc1;
    aimc_tc1_config config = board();
    char why[200] = "";
    replaying = NULL;
    id_answers = false;
    const aimc_chip *chip = aimc_tc1_chip_init(&tc1, &config, why, sizeof why);
    id_answers = true;
    CHECK(chip == NULL, "a chip reading ID 0000 was accepted");
    CHECK(strcmp(why, "TC1: ID reads 0x0000, expected 0x7C01: is the chip powered and on its chip select?") == 0,
          "why: %s", why);
}

int main(void)
{
    golden();
    id_answers = true;
    streamed_answers();
    faults();
    no_chip();
    return check_result("tc1_test");
}
