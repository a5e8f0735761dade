#include "tc1_chip.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hal.h"

/* Registers and commands of hil-rigs/direct-tc1.md. */
enum {
    REG_ID = 0x00,
    REG_GEOMETRY = 0x01,
    REG_STATUS = 0x02,
    REG_TILE = 0x10,
    REG_ROW = 0x11,
    REG_ROW_TARGETS = 0x12,
    REG_ROW_MASK = 0x13,
    REG_PROGRAM_CONFIG = 0x14,
    REG_COMMAND = 0x20,
    REG_REPORT_ROW = 0x30,
    REG_ACHIEVED = 0x31,
    REG_PULSES = 0x32,
    REG_PROGRAM_TOTALS = 0x33,
    REG_REPRESENTABLE = 0x34,
    REG_UNCONVERGED = 0x35,
    REG_ARRAY = 0x40,
    REG_READBACK_ROW = 0x41,
};
enum { COMMAND_PROGRAM = 0x01, COMMAND_CLEAR_MASK = 0x02, COMMAND_READBACK = 0x03 };
enum { STATUS_BUSY = 1, STATUS_DONE = 2, STATUS_ERROR = 4 };

/* The SPI buffer also holds PROGRAM_TOTALS' 8 data bytes. */
_Static_assert(AIMC_TC1_MAX_COLS >= 4 && AIMC_TC1_MAX_COLS <= 65535, "AIMC_TC1_MAX_COLS is 4 .. 65535");

static aimc_tc1_chip *of(void *context)
{
    return context;
}

/* One write transaction: 02 reg data. */
static void reg_write(aimc_tc1_chip *t, uint8_t reg, const uint8_t *data, size_t count)
{
    t->spi[0] = 0x02;
    t->spi[1] = reg;
    if (data != t->spi + 2) {
        memcpy(t->spi + 2, data, count);
    }
    aimc_hal_spi_transfer(t->spi, NULL, 2 + count);
}

static void reg_write_u8(aimc_tc1_chip *t, uint8_t reg, uint8_t value)
{
    reg_write(t, reg, &value, 1);
}

static void reg_write_u16(aimc_tc1_chip *t, uint8_t reg, int32_t value)
{
    uint8_t data[2] = {(uint8_t)(value >> 8), (uint8_t)value};
    reg_write(t, reg, data, 2);
}

/* One read transaction: 03 reg 00 and a zero per byte wanted, in place; returns the data bytes. */
static const uint8_t *reg_read(aimc_tc1_chip *t, uint8_t reg, size_t count)
{
    memset(t->spi, 0, 3 + count);
    t->spi[0] = 0x03;
    t->spi[1] = reg;
    aimc_hal_spi_transfer(t->spi, t->spi, 3 + count);
    return t->spi + 3;
}

static uint16_t be16(const uint8_t *bytes)
{
    return (uint16_t)((bytes[0] << 8) | bytes[1]);
}

static uint32_t be32(const uint8_t *bytes)
{
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) | bytes[3];
}

/* Tc1Registers.ToQ15: round(w * 32767) half away from zero, clamped to +-32767. */
static int16_t to_q15(float weight)
{
    double q = round((double)weight * 32767.0);
    return (int16_t)(q > 32767.0 ? 32767.0 : q < -32767.0 ? -32767.0 : q);
}

static float from_q15(uint16_t word)
{
    return (float)(int16_t)word / 32767.0f;
}

static float from_state(uint16_t word)
{
    return (float)word / 65535.0f;
}

static bool bit(const uint8_t *bits, int32_t k)
{
    return (bits[k >> 3] >> (k & 7)) & 1U;
}

/* A fault with its message (format takes two longs). */
static void fail(aimc_tc1_chip *t, const char *format, long a, long b)
{
    snprintf(t->fault_text, sizeof t->fault_text, format, a, b);
    t->fault = t->fault_text;
}

static const char *fault(void *context)
{
    return of(context)->fault;
}

/* TILE only when it changes, as DirectChip does. */
static void select_tile(aimc_tc1_chip *t, int32_t tile)
{
    if (t->selected_tile != tile) {
        reg_write_u8(t, REG_TILE, (uint8_t)tile);
        t->selected_tile = tile;
    }
}

/* STATUS after a command: ERROR means a write or the command was refused. */
static bool status_ok(aimc_tc1_chip *t, const char *command)
{
    if (reg_read(t, REG_STATUS, 1)[0] & STATUS_ERROR) {
        snprintf(t->fault_text, sizeof t->fault_text,
                 "TC1: the chip refused a register write or the %s command (STATUS ERROR); check that the firmware's "
                 "geometry matches the chip and that nothing else drives its bus", command);
        t->fault = t->fault_text;
        return false;
    }
    return true;
}

/* A Q15 report register (ACHIEVED, REPRESENTABLE) row by row from REPORT_ROW 0, each weight into the report. */
static void report_rows(aimc_tc1_chip *t, uint8_t reg, aimc_report_field field, const aimc_report_sink *report)
{
    reg_write_u16(t, REG_REPORT_ROW, 0);
    for (int32_t r = 0; r < t->rows; r++) {
        const uint8_t *data = reg_read(t, reg, 2 * (size_t)t->cols);
        for (int32_t j = 0; j < t->cols; j++) {
            report->value(report->context, field, r * t->cols + j, from_q15(be16(data + 2 * j)));
        }
    }
}

/* The next listed target at or after cell k, skipping any before it; false once the list is spent. */
static bool target_at(const aimc_targets *targets, bool *more, int32_t *cell, float *target, int32_t k)
{
    while (*more && *cell < k) {
        *more = targets->next(targets->context, cell, target);
    }
    return *more && *cell == k;
}

static void write_info(void *context, aimc_writer *w)
{
    const aimc_tc1_chip *t = of(context);
    const aimc_tc1_config *c = &t->config;
    aimc_put_str(w, c->name);
    aimc_put_u8(w, c->domain);
    aimc_put_u8(w, c->device);
    aimc_put_u8(w, c->differential_pair ? 0 : 2); /* differential_pair, else sign_magnitude_bits */
    aimc_put_u8(w, 0);
    aimc_put_i32(w, t->rows);
    aimc_put_i32(w, t->cols);
    aimc_put_i32(w, t->tiles);
    aimc_put_i32(w, 0); /* analog devices */
    aimc_put_i32(w, t->input_bits);
    aimc_put_i32(w, c->adc_bits);
    aimc_put_f64(w, c->input_half_span_volts);
    aimc_put_str(w, "V");
    aimc_put_f64(w, c->output_half_span_volts);
    aimc_put_str(w, "V");
    aimc_put_f64(w, c->mac_full_scale);
    aimc_put_i32(w, c->adc_code_min);
    aimc_put_i32(w, c->adc_code_max);
    aimc_put_str(w, "firmware: TC1 over SPI");
    aimc_put_u16(w, 3);
    aimc_put_str(w, "dac_quantization");
    aimc_put_bool(w, true);
    aimc_put_f64(w, (double)t->input_bits);
    aimc_put_str(w, "bit");
    aimc_put_str(w, "signed input codes (TC1 GEOMETRY input bits)");
    aimc_put_str(w, "adc_quantization");
    aimc_put_bool(w, true);
    aimc_put_f64(w, (double)c->adc_bits);
    aimc_put_str(w, "bit");
    aimc_put_str(w, "the board's ADC on the column outputs; TC1 has no ADC of its own");
    aimc_put_str(w, "output_saturation");
    aimc_put_bool(w, true);
    aimc_put_f64(w, c->mac_full_scale);
    aimc_put_str(w, "MAC");
    aimc_put_str(w, "outputs clip at the output buffers' rails");
}

/* DirectChip.Program: PROGRAM_CONFIG, the mask, the targets row by row, COMMAND PROGRAM, DONE, STATUS, then the whole
 * report: ACHIEVED, PULSES, REPRESENTABLE and UNCONVERGED row by row, and PROGRAM_TOTALS. The mask and the targets are
 * two walks of the request's list, and every report row goes to the answer as it is read. */
static void program(void *context, int32_t tile, bool all, const aimc_targets *targets,
                    const aimc_write_verify *options, const aimc_report_sink *report)
{
    aimc_tc1_chip *t = of(context);
    int32_t rows = t->rows, cols = t->cols;
    t->fault = NULL;
    t->program_tile = -1;
    t->total_pulses = 0;
    if (options->max_pulses_per_cell < 1 || options->max_pulses_per_cell > 255) {
        fail(t, "TC1: %ld pulses per device: TC1 takes 1 to 255; lower the write-verify pulse budget%.0ld",
             (long)options->max_pulses_per_cell, 0L);
        return;
    }
    select_tile(t, tile);
    uint16_t tolerance = (uint16_t)floor(options->tolerance * 65535.0 + 0.5);
    uint8_t config[4] = {options->verify ? 1 : 0, (uint8_t)options->max_pulses_per_cell, (uint8_t)(tolerance >> 8),
                         (uint8_t)tolerance};
    reg_write(t, REG_PROGRAM_CONFIG, config, sizeof config);
    int32_t cell = -1;
    float target = 0.0f;
    bool more;
    if (all) {
        reg_write_u8(t, REG_COMMAND, COMMAND_CLEAR_MASK);
    } else {
        targets->start(targets->context);
        more = true;
        for (int32_t r = 0; r < rows; r++) {
            reg_write_u16(t, REG_ROW, r);
            uint8_t mask[(AIMC_TC1_MAX_COLS + 7) / 8] = {0};
            for (int32_t j = 0; j < cols; j++) {
                if (target_at(targets, &more, &cell, &target, r * cols + j)) {
                    mask[j >> 3] |= (uint8_t)(1U << (j & 7));
                }
            }
            reg_write(t, REG_ROW_MASK, mask, (size_t)(cols + 7) / 8);
        }
    }
    reg_write_u16(t, REG_ROW, 0);
    uint8_t *data = t->spi + 2;
    targets->start(targets->context);
    cell = -1;
    more = true;
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t j = 0; j < cols; j++) {
            /* A cell not listed is written as 0 (masked off, or zeroed when all). */
            int32_t k = r * cols + j;
            float value = target_at(targets, &more, &cell, &target, k) ? target : 0.0f;
            report->value(report->context, AIMC_REPORT_TARGET, k, value);
            uint16_t q = (uint16_t)to_q15(value);
            data[2 * j] = (uint8_t)(q >> 8);
            data[2 * j + 1] = (uint8_t)q;
        }
        reg_write(t, REG_ROW_TARGETS, data, 2 * (size_t)cols);
    }
    reg_write_u8(t, REG_COMMAND, COMMAND_PROGRAM);
    uint32_t timeout_ms = (uint32_t)rows * t->config.done_timeout_ms;
    if (!aimc_hal_done_wait(timeout_ms)) {
        uint8_t status = reg_read(t, REG_STATUS, 1)[0];
        const char *state = (status & STATUS_DONE) ? "STATUS says it finished, so the DONE wire does not reach the line"
                            : (status & STATUS_BUSY) ? "STATUS says it is still busy: raise the DONE timeout"
                                                     : "STATUS says neither busy nor done";
        snprintf(t->fault_text, sizeof t->fault_text, "TC1: PROGRAM of tile %ld did not raise DONE within %lu ms; %s",
                 (long)tile, (unsigned long)timeout_ms, state);
        t->fault = t->fault_text;
        return;
    }
    if (!status_ok(t, "PROGRAM")) {
        return;
    }
    report_rows(t, REG_ACHIEVED, AIMC_REPORT_ACHIEVED, report);
    reg_write_u16(t, REG_REPORT_ROW, 0);
    for (int32_t r = 0; r < rows; r++) {
        const uint8_t *pulses = reg_read(t, REG_PULSES, (size_t)cols);
        for (int32_t j = 0; j < cols; j++) {
            report->pulses(report->context, r * cols + j, pulses[j]);
        }
    }
    report_rows(t, REG_REPRESENTABLE, AIMC_REPORT_REPRESENTABLE, report);
    reg_write_u16(t, REG_REPORT_ROW, 0);
    long marked = 0;
    for (int32_t r = 0; r < rows; r++) {
        const uint8_t *missed = reg_read(t, REG_UNCONVERGED, (size_t)(cols + 7) / 8);
        for (int32_t j = 0; j < cols; j++) {
            if (bit(missed, j)) {
                report->unconverged(report->context, r * cols + j);
                marked++;
            }
        }
    }
    const uint8_t *totals = reg_read(t, REG_PROGRAM_TOTALS, 8);
    int64_t total = (int64_t)be32(totals);
    uint32_t counted = be32(totals + 4);
    if ((long)counted != marked) {
        fail(t, "TC1: PROGRAM_TOTALS counts %ld unconverged weights but the UNCONVERGED rows mark %ld: the register "
                "interface is not reading back consistently (check the SPI wiring and clock)",
             (long)counted, marked);
        return;
    }
    t->program_tile = tile;
    t->total_pulses = total;
}

static int64_t total_pulses(void *context, int32_t tile)
{
    aimc_tc1_chip *t = of(context);
    return tile == t->program_tile ? t->total_pulses : 0;
}

/* DirectChip.ReadBack: COMMAND READBACK, each array row by row, STATUS, and for weights not held as a differential
 * pair ACHIEVED row by row. A differential pair's weight G+ - G- is streamed as G+ and then -G-. */
static void read_back(void *context, int32_t tile, const aimc_readback_sink *sink)
{
    aimc_tc1_chip *t = of(context);
    bool pair = t->config.differential_pair;
    t->fault = NULL;
    select_tile(t, tile);
    reg_write_u8(t, REG_COMMAND, COMMAND_READBACK);
    uint16_t arrays = t->chip.array_count;
    for (uint16_t a = 0; a < arrays; a++) {
        reg_write_u8(t, REG_ARRAY, (uint8_t)a);
        reg_write_u16(t, REG_REPORT_ROW, 0);
        for (int32_t r = 0; r < t->rows; r++) {
            const uint8_t *data = reg_read(t, REG_READBACK_ROW, 2 * (size_t)t->cols);
            for (int32_t j = 0; j < t->cols; j++) {
                int32_t k = r * t->cols + j;
                float state = from_state(be16(data + 2 * j));
                sink->state(sink->context, a, k, state);
                if (pair && a < 2) {
                    sink->weight(sink->context, k, a == 0 ? state : -state, a == 1);
                }
            }
        }
    }
    /* A refused READBACK: the request layer answers NAK CHIP. */
    if (!status_ok(t, "READBACK")) {
        return;
    }
    if (!pair) {
        reg_write_u16(t, REG_REPORT_ROW, 0);
        for (int32_t r = 0; r < t->rows; r++) {
            const uint8_t *data = reg_read(t, REG_ACHIEVED, 2 * (size_t)t->cols);
            for (int32_t j = 0; j < t->cols; j++) {
                sink->weight(sink->context, r * t->cols + j, from_q15(be16(data + 2 * j)), false);
            }
        }
    }
}

static const char *array_name(void *context, uint16_t array)
{
    if (!of(context)->config.differential_pair) {
        return "G";
    }
    return array == 0 ? "G+" : "G-";
}

/* DirectChip.Mvm, one sample: word lines, START high, DONE, the column outputs, START low. */
static void mvm(void *context, int32_t tile, const int32_t *codes, int32_t *outputs, int32_t *saturated)
{
    aimc_tc1_chip *t = of(context);
    t->fault = NULL;
    *saturated = 0;
    select_tile(t, tile);
    aimc_hal_word_lines_write(codes, t->rows);
    aimc_hal_start_write(true);
    if (!aimc_hal_done_wait(t->config.done_timeout_ms)) {
        aimc_hal_start_write(false);
        memset(outputs, 0, sizeof *outputs * (size_t)t->cols);
        fail(t, "TC1: DONE did not rise within %ld ms of START; check the DONE and START wires and the chip's supplies%.0ld",
             (long)t->config.done_timeout_ms, 0L);
        return;
    }
    aimc_hal_columns_read(outputs, t->cols);
    aimc_hal_start_write(false);
    for (int32_t j = 0; j < t->cols; j++) {
        if (outputs[j] <= t->config.code_rail_low || outputs[j] >= t->config.code_rail_high) {
            (*saturated)++;
        }
    }
}

static double mac_per_code(void *context, int32_t tile, int32_t col)
{
    (void)tile;
    (void)col;
    return of(context)->config.mac_per_code;
}

static double mac_offset(void *context, int32_t tile, int32_t col)
{
    (void)tile;
    (void)col;
    return of(context)->config.mac_offset;
}

/* A real chip ages in wall time: the part's millisecond clock. */
static double clock_seconds(void *context)
{
    (void)context;
    return (double)aimc_hal_millis() / 1000.0;
}

const aimc_chip *aimc_tc1_chip_init(aimc_tc1_chip *tc1, const aimc_tc1_config *config, char *why, size_t capacity)
{
    memset(tc1, 0, sizeof *tc1);
    tc1->config = *config;
    if (config->max_pulses_per_cell < 1 || config->max_pulses_per_cell > 255 || config->done_timeout_ms < 1) {
        snprintf(why, capacity, "max_pulses_per_cell %lu (1..255) or done_timeout_ms %lu (at least 1) out of range",
                 (unsigned long)config->max_pulses_per_cell, (unsigned long)config->done_timeout_ms);
        return NULL;
    }
    aimc_hal_start_write(false);
    uint16_t id = be16(reg_read(tc1, REG_ID, 2));
    if (id != AIMC_TC1_ID) {
        snprintf(why, capacity, "TC1: ID reads 0x%04X, expected 0x%04X: is the chip powered and on its chip select?",
                 (unsigned)id, (unsigned)AIMC_TC1_ID);
        return NULL;
    }
    const uint8_t *g = reg_read(tc1, REG_GEOMETRY, 6);
    tc1->rows = be16(g);
    tc1->cols = be16(g + 2);
    tc1->tiles = g[4];
    tc1->input_bits = g[5];
    if (tc1->rows < 1 || tc1->cols < 1 || tc1->tiles < 1 || tc1->input_bits < 2 || tc1->input_bits > 16) {
        snprintf(why, capacity, "TC1: GEOMETRY reads %ld rows, %ld columns, %ld tiles, %ld-bit inputs, which no TC1 has: "
                 "check the register interface's wiring and clock", (long)tc1->rows, (long)tc1->cols,
                 (long)tc1->tiles, (long)tc1->input_bits);
        return NULL;
    }
    if (tc1->cols > AIMC_TC1_MAX_COLS) {
        snprintf(why, capacity, "TC1: a %ldx%ld tile exceeds this build's AIMC_TC1_MAX_COLS %d",
                 (long)tc1->rows, (long)tc1->cols, AIMC_TC1_MAX_COLS);
        return NULL;
    }
    tc1->selected_tile = -1;
    tc1->program_tile = -1;
    aimc_chip *chip = &tc1->chip;
    chip->shape.rows = tc1->rows;
    chip->shape.cols = tc1->cols;
    chip->shape.tiles = tc1->tiles;
    chip->shape.dac_bits = tc1->input_bits;
    chip->shape.adc_code_min = config->adc_code_min;
    chip->shape.adc_code_max = config->adc_code_max;
    chip->shape.max_pulses_per_cell = config->max_pulses_per_cell;
    chip->context = tc1;
    chip->write_info = write_info;
    chip->program = program;
    chip->total_pulses = total_pulses;
    chip->read_back = read_back;
    chip->array_count = config->differential_pair ? 2 : 1;
    chip->array_name = array_name;
    chip->device_full_scale = 1.0;
    chip->device_unit = "normalized";
    chip->mvm = mvm;
    chip->mac_per_code = mac_per_code;
    chip->mac_offset = mac_offset;
    chip->clock_seconds = clock_seconds;
    chip->clock_is_virtual = false;
    chip->clock_advance = NULL;
    chip->reseed = NULL;
    chip->fault = fault;
    return chip;
}
