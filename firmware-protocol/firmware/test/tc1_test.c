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

static void program(const aimc_chip *chip, int operation, int32_t tile, bool all, const int *selected,
                    const float *targets, bool verify, double tolerance, int32_t max_pulses, const float *achieved,
                    const float *representable, const int *pulses, const int *unconverged, int64_t total)
{
    replay(operation);
    chip->begin_program(chip->context, tile, all);
    for (int32_t k = 0; k < TC1_ROWS * TC1_COLS; k++) {
        if (selected[k]) {
            chip->set_target(chip->context, k, targets[k]);
        }
    }
    aimc_write_verify options = {verify, tolerance, max_pulses};
    chip->run_program(chip->context, &options);
    replayed_all();
    CHECK(chip->fault(chip->context) == NULL, "%s failed: %s", replaying->operation, chip->fault(chip->context));
    for (int32_t k = 0; k < TC1_ROWS * TC1_COLS; k++) {
        aimc_cell_report report;
        chip->cell_report(chip->context, tile, k, &report);
        CHECK(report.achieved == achieved[k], "%s cell %d: achieved %.9g, DirectChip %.9g", replaying->operation,
              (int)k, report.achieved, achieved[k]);
        CHECK(report.representable == representable[k], "%s cell %d: representable %.9g, DirectChip %.9g",
              replaying->operation, (int)k, report.representable, representable[k]);
        CHECK(report.pulses == pulses[k], "%s cell %d: %d pulses, DirectChip %d", replaying->operation, (int)k,
              (int)report.pulses, pulses[k]);
        CHECK(report.converged == !unconverged[k], "%s cell %d: converged %d", replaying->operation, (int)k,
              report.converged);
        if (selected[k]) {
            CHECK(report.target == targets[k], "%s cell %d: target %.9g", replaying->operation, (int)k, report.target);
        }
    }
    CHECK(chip->total_pulses(chip->context, tile) == total, "%s: %lld total pulses, DirectChip %lld",
          replaying->operation, (long long)chip->total_pulses(chip->context, tile), (long long)total);
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

    /* READBACK as the request layer asks: every weight from cell 0, then every state of each array. */
    replay(READBACK_OP);
    for (int32_t k = 0; k < TC1_ROWS * TC1_COLS; k++) {
        float w = chip->read_weight(chip->context, READBACK_TILE, k);
        CHECK(w == readback_weights[k], "readback weight %d: %.9g, DirectChip %.9g", (int)k, w, readback_weights[k]);
    }
    CHECK(chip->array_count == READBACK_ARRAYS, "%d arrays", chip->array_count);
    for (uint16_t a = 0; a < chip->array_count; a++) {
        for (int32_t k = 0; k < TC1_ROWS * TC1_COLS; k++) {
            float s = chip->read_state(chip->context, READBACK_TILE, a, k);
            float expected = readback_states[a * TC1_ROWS * TC1_COLS + k];
            CHECK(s == expected, "readback array %d cell %d: %.9g, DirectChip %.9g", a, (int)k, s, expected);
        }
    }
    replayed_all();
    CHECK(chip->fault(chip->context) == NULL, "readback failed: %s", chip->fault(chip->context));

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
    faults();
    no_chip();
    return check_result("tc1_test");
}
