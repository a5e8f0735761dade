#include "requests.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "frame.h"
#include "session.h"

/* PROTOCOL.md 6.7: a grid named by a gap list has at most 2^24 cells; other counts are bounded likewise. */
#define MAX_COUNT (1L << 24)
#define MAX_GAP_GRID_CELLS (1L << 24)

enum { REPORT_SUMMARY = 0, REPORT_PER_WEIGHT = 1 };
enum { FORMAT_F32 = 0, FORMAT_Q14 = 1 };
enum { SELECT_ALL = 0, SELECT_GAPS = 1, SELECT_BITMAP = 2 };

/* A NAK payload: u16 code and the formatted message, cut at the capacity. */
static uint32_t nak(uint8_t *answer, uint32_t capacity, uint8_t *kind, uint16_t code, const char *format, ...)
{
    char message[200];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    *kind = AIMC_KIND_NAK;
    return aimc_nak_payload(answer, capacity, code, message);
}

/* A float as .NET prints it (the shortest text that reads back to the same value), for messages the host shows. */
static void float_text(char *out, size_t capacity, float value)
{
    if (isnan(value)) {
        snprintf(out, capacity, "NaN");
        return;
    }
    if (isinf(value)) {
        snprintf(out, capacity, value > 0 ? "\xE2\x88\x9E" : "-\xE2\x88\x9E");
        return;
    }
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(out, capacity, "%.*g", digits, (double)value);
        if (strtof(out, NULL) == value) {
            return;
        }
    }
}

/* A double as .NET prints it: the shortest text that reads back to the same value, NaN and the infinity signs. */
static void double_text(char *out, size_t capacity, double value)
{
    if (isnan(value)) {
        snprintf(out, capacity, "NaN");
        return;
    }
    if (isinf(value)) {
        snprintf(out, capacity, value > 0 ? "\xE2\x88\x9E" : "-\xE2\x88\x9E");
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(out, capacity, "%.*g", digits, value);
        if (strtod(out, NULL) == value) {
            return;
        }
    }
}

/* PROTOCOL.md 5.1, before the chip is touched: a tolerance that is a fraction, a pulse budget within the rig's. */
static bool check_budget(const aimc_chip *chip, const aimc_write_verify *options, uint8_t *answer, uint32_t capacity,
                         uint8_t *kind, uint32_t *length)
{
    if (!isfinite(options->tolerance) || options->tolerance < 0 || options->tolerance > 1) {
        char text[40];
        double_text(text, sizeof text, options->tolerance);
        *length = nak(answer, capacity, kind, AIMC_NAK_CHIP,
                      "write-verify tolerance %s: must be a fraction of the device's state range, from 0 to 1 (e.g. 0.02)",
                      text);
        return false;
    }
    if (options->verify &&
        (options->max_pulses_per_cell < 1 || (uint32_t)options->max_pulses_per_cell > chip->shape.max_pulses_per_cell)) {
        *length = nak(answer, capacity, kind, AIMC_NAK_CHIP,
                      "write-verify budget of %ld pulses per device: this rig allows 1 to %lu per PROGRAM (its pulse "
                      "budget); ask for fewer",
                      (long)options->max_pulses_per_cell, (unsigned long)chip->shape.max_pulses_per_cell);
        return false;
    }
    return true;
}

static bool check_tile(const aimc_chip *chip, int32_t tile, uint8_t *answer, uint32_t capacity, uint8_t *kind,
                       uint32_t *length)
{
    if (tile < 0 || tile >= chip->shape.tiles) {
        *length = nak(answer, capacity, kind, AIMC_NAK_CHIP,
                      "tile %ld does not exist: the chip has tiles 0 \xE2\x80\xA6 %ld", (long)tile,
                      (long)(chip->shape.tiles - 1));
        return false;
    }
    return true;
}

/* r.Cells of the C# reader: a rows x cols grid that cannot fit the bytes left (a bit per cell at least) is malformed. */
static int64_t grid_cells(aimc_reader *reader, int32_t rows, int32_t cols)
{
    int64_t cells = (int64_t)rows * cols;
    if (!reader->bad && cells > (int64_t)aimc_reader_remaining(reader) * 8) {
        char why[128];
        snprintf(why, sizeof why, "a %ld\xC3\x97%ld grid does not fit in the %lu bytes left", (long)rows, (long)cols,
                 (unsigned long)aimc_reader_remaining(reader));
        aimc_reader_fail(reader, why);
        return 0;
    }
    return cells;
}

/* count values of size bytes, or a failure as the C# reader words it. */
static const uint8_t *get_values(aimc_reader *reader, int64_t count, uint32_t size)
{
    if (reader->bad) {
        return NULL;
    }
    if (count * size > (int64_t)aimc_reader_remaining(reader)) {
        char why[128];
        snprintf(why, sizeof why, "%lld values of %u bytes need %lld bytes, %lu are left", (long long)count, (unsigned)size,
                 (long long)(count * size), (unsigned long)aimc_reader_remaining(reader));
        aimc_reader_fail(reader, why);
        return NULL;
    }
    return aimc_get_bytes(reader, (uint32_t)(count * size));
}

static float f32_at(const uint8_t *bytes)
{
    uint32_t bits = aimc_read_u32(bytes);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The cells a programming request selects, in increasing order, with their targets: PROGRAM (every cell, or a mask
 * of its own shape) and the three selections of PROGRAM_CELLS, walked from the payload without a copy. */
typedef struct {
    int32_t rows, cols;
    int64_t cells;            /* of the rows x cols grid */
    uint8_t selection;        /* SELECT_ALL, SELECT_GAPS, SELECT_BITMAP */
    uint8_t format;           /* FORMAT_F32, FORMAT_Q14 */
    const uint8_t *list;      /* the gap list, or the bitmap */
    uint32_t list_bytes;      /* its length */
    uint32_t listed;          /* cells listed (GAPS) or set (BITMAP); cells for ALL */
    const uint8_t *targets;   /* one target per selected cell, or (by_cell) per cell of the grid */
    bool by_cell;             /* PROGRAM's mask: the targets cover every cell, selected or not */
    int32_t tile_cols;        /* the tile's columns, for the chip's cell numbers */
    /* walking state */
    uint32_t list_at, taken;
    int64_t cell;
} selection_walk;

static void walk_start(selection_walk *walk)
{
    walk->list_at = 0;
    walk->taken = 0;
    walk->cell = -1;
}

/* The next selected cell and its target; false after the last. The payload was validated by selection_decode. */
static bool walk_next(selection_walk *walk, int64_t *cell, float *target)
{
    if (walk->taken >= walk->listed) {
        return false;
    }
    if (walk->selection == SELECT_ALL) {
        walk->cell++;
    } else if (walk->selection == SELECT_GAPS) {
        uint32_t gap = 0;
        for (unsigned shift = 0; shift <= 28 && walk->list_at < walk->list_bytes; shift += 7) {
            uint8_t b = walk->list[walk->list_at++];
            gap |= (uint32_t)(b & 0x7FU) << shift;
            if (b < 0x80U) {
                break;
            }
        }
        walk->cell += (int64_t)gap + 1;
    } else {
        do {
            walk->cell++;
        } while (walk->cell < walk->cells && !(walk->list[walk->cell >> 3] & (1U << (walk->cell & 7))));
    }
    *cell = walk->cell;
    if (walk->by_cell) {
        *target = f32_at(walk->targets + 4U * (uint32_t)walk->cell);
    } else if (walk->format == FORMAT_F32) {
        *target = f32_at(walk->targets + 4U * walk->taken);
    } else {
        *target = (float)(int16_t)aimc_read_u16(walk->targets + 2U * walk->taken) / 16384.0f;
    }
    walk->taken++;
    return true;
}

/* Reads a gap list (PROTOCOL.md 6.7) for its layout: every gap at most 5 bytes, every cell inside the grid. */
static void gaps_decode(aimc_reader *reader, selection_walk *walk)
{
    uint32_t count = aimc_get_u32(reader);
    if (reader->bad) {
        return;
    }
    if (count > (uint64_t)walk->cells || count > aimc_reader_remaining(reader)) {
        char why[128];
        snprintf(why, sizeof why, "%lu cells listed, but the grid has %lld and the payload %lu bytes left",
                 (unsigned long)count, (long long)walk->cells, (unsigned long)aimc_reader_remaining(reader));
        aimc_reader_fail(reader, why);
        return;
    }
    walk->list = reader->bytes + reader->at;
    int64_t index = -1;
    for (uint32_t k = 0; k < count && !reader->bad; k++) {
        uint64_t gap = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (shift > 28) {
                char why[64];
                snprintf(why, sizeof why, "the gap before listed cell %lu is longer than 5 bytes", (unsigned long)k);
                aimc_reader_fail(reader, why);
                return;
            }
            uint8_t b = aimc_get_u8(reader);
            if (reader->bad) {
                return;
            }
            gap |= (uint64_t)(b & 0x7FU) << shift;
            if (b < 0x80U) {
                break;
            }
        }
        index += (int64_t)gap + 1;
        if (index >= walk->cells) {
            char why[128];
            snprintf(why, sizeof why, "listed cell %lu has index %lld, outside the %lld cells of the grid",
                     (unsigned long)k, (long long)index, (long long)walk->cells);
            aimc_reader_fail(reader, why);
            return;
        }
    }
    walk->list_bytes = (uint32_t)(reader->bytes + reader->at - walk->list);
    walk->listed = count;
}

/* Reads the targets of the selected cells; Q14 values outside +-16384 are malformed. */
static void targets_decode(aimc_reader *reader, selection_walk *walk)
{
    walk->targets = get_values(reader, walk->listed, walk->format == FORMAT_F32 ? 4U : 2U);
    if (walk->targets == NULL || walk->format != FORMAT_Q14) {
        return;
    }
    for (uint32_t k = 0; k < walk->listed; k++) {
        int16_t t = (int16_t)aimc_read_u16(walk->targets + 2U * k);
        if (t < -16384 || t > 16384) {
            char why[128];
            snprintf(why, sizeof why, "Q14 target %d of listed cell %lu is outside \xC2\xB1" "16384 (a weight in [-1, 1])",
                     t, (unsigned long)k);
            aimc_reader_fail(reader, why);
            return;
        }
    }
}

/* The walk as the chip's list of targets (chip.h), in the tile's cell numbers. */
static void targets_start(void *context)
{
    walk_start(context);
}

static bool targets_next(void *context, int32_t *cell, float *target)
{
    selection_walk *walk = context;
    int64_t k;
    if (!walk_next(walk, &k, target)) {
        return false;
    }
    *cell = (int32_t)(k / walk->cols) * walk->tile_cols + (int32_t)(k % walk->cols);
    return true;
}

static void f32_put(uint8_t *bytes, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    aimc_write_u32(bytes, bits);
}

/* A programming report as the chip streams it (chip.h), written into the answer. PROGRAM's grids (PROTOCOL.md 6.3)
 * have fixed places, so each value goes straight to its own. PROGRAM_CELLS' grids (6.8) follow a pulse histogram and
 * the unconverged list, whose lengths are known only at the end: its grids (or for a summary the pulses alone) are
 * kept in the answer's tail, the histogram is made from them before the first unconverged cell, and the grids move
 * into place at the end. The capacity checks before the chip is touched leave room for all of it. */
typedef struct {
    uint8_t *answer;
    uint32_t capacity;
    int32_t cells, cols;
    bool cells_request; /* PROGRAM_CELLS; else PROGRAM */
    bool per_weight;    /* the grids are in the answer (PROGRAM always) */
    uint32_t grids;     /* where the target, representable, achieved and pulses grids are, 4 bytes a cell each */
    uint32_t pulses;    /* where the pulses grid is (for a summary, the only one kept) */
    uint32_t bins;      /* PROGRAM_CELLS: the histogram's bins, 0 until it is made */
    uint32_t list;      /* where the unconverged list starts */
    uint32_t unconverged;
    bool overflow;      /* a value outside the room checked for: NAK INTERNAL */
} report_stream;

static uint8_t *grid_at(report_stream *r, uint32_t grid, int32_t cell)
{
    if (cell < 0 || cell >= r->cells) {
        r->overflow = true;
        return NULL;
    }
    if (grid == 3) {
        return r->answer + r->pulses + 4U * (uint32_t)cell;
    }
    return r->per_weight ? r->answer + r->grids + 4U * ((uint32_t)r->cells * grid + (uint32_t)cell) : NULL;
}

static void stream_value(void *context, aimc_report_field field, int32_t cell, float value)
{
    uint8_t *at = grid_at(context, field == AIMC_REPORT_TARGET ? 0 : field == AIMC_REPORT_REPRESENTABLE ? 1 : 2, cell);
    if (at != NULL) {
        f32_put(at, value);
    }
}

static void stream_pulses(void *context, int32_t cell, int32_t pulses)
{
    uint8_t *at = grid_at(context, 3, cell);
    if (at != NULL) {
        aimc_write_u32(at, (uint32_t)pulses);
    }
}

/* PROGRAM_CELLS: the histogram of the pulses grid, in its place after the total; the list follows it. */
static void stream_histogram(report_stream *r)
{
    const uint8_t *pulses = r->answer + r->pulses;
    int32_t most = -1;
    for (int32_t k = 0; k < r->cells; k++) {
        int32_t p = (int32_t)aimc_read_u32(pulses + 4U * (uint32_t)k);
        r->overflow |= p < 0;
        most = p > most ? p : most;
    }
    r->bins = (uint32_t)(most + 1);
    /* Below the pulses it is made from, and the grids kept for a per-weight report (with a byte for its flag). */
    uint32_t room = r->per_weight ? r->grids - 1U : r->pulses;
    if (r->overflow || 28U + 4U * (uint64_t)r->bins > room) {
        r->overflow = true;
        r->bins = 0;
        return;
    }
    uint8_t *histogram = r->answer + 24;
    memset(histogram, 0, 4U * r->bins);
    for (int32_t k = 0; k < r->cells; k++) {
        uint8_t *bin = histogram + 4U * aimc_read_u32(pulses + 4U * (uint32_t)k);
        aimc_write_u32(bin, aimc_read_u32(bin) + 1U);
    }
    r->list = 28U + 4U * r->bins;
}

static void stream_unconverged(void *context, int32_t cell)
{
    report_stream *r = context;
    if (r->cells_request && r->list == 0 && !r->overflow) {
        stream_histogram(r);
    }
    uint32_t size = r->cells_request ? 4U : 8U;
    uint32_t at = r->list + size * r->unconverged;
    /* The list may run over the PROGRAM_CELLS tail's pulses (made into the histogram), never over the grids kept for
     * a per-weight report, nor the byte of its flag before them. */
    uint32_t end = r->per_weight && r->cells_request ? r->grids - 1U : r->capacity;
    if (r->overflow || r->list == 0 || cell < 0 || cell >= r->cells || at > end || size > end - at) {
        r->overflow = true;
        return;
    }
    if (r->cells_request) {
        aimc_write_u32(r->answer + at, (uint32_t)cell);
    } else {
        aimc_write_u32(r->answer + at, (uint32_t)(cell / r->cols));
        aimc_write_u32(r->answer + at + 4, (uint32_t)(cell % r->cols));
    }
    r->unconverged++;
}

/* The stream of a programming report into answer; PROGRAM's room (32 + 24 per cell) or PROGRAM_CELLS' (33 + 4 or 20
 * per cell + 4 per bin, and two) was checked. */
static report_stream report_stream_for(const aimc_chip *chip, uint8_t *answer, uint32_t capacity, bool cells_request,
                                       bool per_weight)
{
    report_stream r = {0};
    r.answer = answer;
    r.capacity = capacity;
    r.cells = chip->shape.rows * chip->shape.cols;
    r.cols = chip->shape.cols;
    r.cells_request = cells_request;
    r.per_weight = per_weight || !cells_request;
    uint32_t grids = 16U * (uint32_t)r.cells;
    r.grids = !cells_request ? 12U : r.per_weight ? capacity - grids : 0U;
    r.pulses = !cells_request || r.per_weight ? r.grids + 12U * (uint32_t)r.cells : capacity - 4U * (uint32_t)r.cells;
    r.list = cells_request ? 0U : 24U + grids;
    return r;
}

/* Whether the chip failed its last operation (a back-end on a bus: a line that did not answer); then the NAK. */
static bool chip_failed(const aimc_chip *chip, uint8_t *answer, uint32_t capacity, uint8_t *kind, uint32_t *length)
{
    const char *why = chip->fault != NULL ? chip->fault(chip->context) : NULL;
    if (why == NULL) {
        return false;
    }
    *length = nak(answer, capacity, kind, AIMC_NAK_CHIP, "%s", why);
    return true;
}

/* The common end of PROGRAM and PROGRAM_CELLS: tile and shape checks, the weight range, then the chip. */
static bool program(const aimc_chip *chip, int32_t tile, selection_walk *walk, bool all, const aimc_write_verify *options,
                    report_stream *stream, uint8_t *answer, uint32_t capacity, uint8_t *kind, uint32_t *length)
{
    const aimc_chip_shape *shape = &chip->shape;
    if (!check_budget(chip, options, answer, capacity, kind, length) ||
        !check_tile(chip, tile, answer, capacity, kind, length)) {
        return false;
    }
    if (walk->rows > shape->rows || walk->cols > shape->cols) {
        *length = nak(answer, capacity, kind, AIMC_NAK_CHIP, "weights of shape %ld\xC3\x97%ld do not fit a %ld\xC3\x97%ld tile",
                      (long)walk->rows, (long)walk->cols, (long)shape->rows, (long)shape->cols);
        return false;
    }
    int64_t cell;
    float target;
    walk_start(walk);
    while (walk_next(walk, &cell, &target)) {
        if (!(target >= -1.0f && target <= 1.0f)) {
            char text[32];
            float_text(text, sizeof text, target);
            *length = nak(answer, capacity, kind, AIMC_NAK_CHIP, "weight target %s at row %ld, column %ld is outside [-1, 1]",
                          text, (long)(cell / walk->cols), (long)(cell % walk->cols));
            return false;
        }
    }
    if (options->max_pulses_per_cell < 1) {
        *length = nak(answer, capacity, kind, AIMC_NAK_CHIP, "write-verify needs at least 1 pulse per cell, not %ld",
                      (long)options->max_pulses_per_cell);
        return false;
    }
    walk->tile_cols = shape->cols;
    aimc_targets targets = {walk, targets_start, targets_next};
    aimc_report_sink sink = {stream, stream_value, stream_pulses, stream_unconverged};
    chip->program(chip->context, tile, all, &targets, options, &sink);
    if (chip_failed(chip, answer, capacity, kind, length)) {
        return false;
    }
    if (stream->cells_request && stream->list == 0 && !stream->overflow) {
        stream_histogram(stream);
    }
    if (stream->overflow) {
        *length = nak(answer, capacity, kind, AIMC_NAK_INTERNAL, "the programming report did not fit the answer buffer");
        return false;
    }
    return true;
}

/* PROTOCOL.md 6.2 -> 6.3. */
static uint32_t program_request(const aimc_chip *chip, aimc_reader *reader, uint8_t *answer, uint32_t capacity,
                                uint8_t *kind)
{
    int32_t tile = aimc_get_i32(reader);
    bool has_mask = aimc_get_bool(reader);
    aimc_write_verify options;
    options.verify = aimc_get_bool(reader);
    options.tolerance = aimc_get_f64(reader);
    options.max_pulses_per_cell = aimc_get_i32(reader);
    selection_walk walk = {0};
    walk.rows = aimc_get_count(reader, "rows", (int32_t)MAX_COUNT);
    walk.cols = aimc_get_count(reader, "cols", (int32_t)MAX_COUNT);
    walk.cells = grid_cells(reader, walk.rows, walk.cols);
    walk.selection = SELECT_ALL;
    walk.format = FORMAT_F32;
    walk.listed = (uint32_t)walk.cells;
    walk.targets = get_values(reader, walk.cells, 4);
    int32_t mask_rows = 0, mask_cols = 0;
    if (has_mask) {
        mask_rows = aimc_get_count(reader, "mask rows", (int32_t)MAX_COUNT);
        mask_cols = aimc_get_count(reader, "mask cols", (int32_t)MAX_COUNT);
        int64_t mask_cells = grid_cells(reader, mask_rows, mask_cols);
        walk.list = aimc_get_bytes(reader, (uint32_t)((mask_cells + 7) / 8));
    }
    aimc_reader_end(reader);
    if (reader->bad) {
        return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader->why);
    }
    uint32_t length;
    if (!check_budget(chip, &options, answer, capacity, kind, &length) ||
        !check_tile(chip, tile, answer, capacity, kind, &length)) {
        return length;
    }
    if (walk.rows > chip->shape.rows || walk.cols > chip->shape.cols) {
        return nak(answer, capacity, kind, AIMC_NAK_CHIP, "weights of shape %ld\xC3\x97%ld do not fit a %ld\xC3\x97%ld tile",
                   (long)walk.rows, (long)walk.cols, (long)chip->shape.rows, (long)chip->shape.cols);
    }
    if (has_mask && (mask_rows != walk.rows || mask_cols != walk.cols)) {
        return nak(answer, capacity, kind, AIMC_NAK_ARGUMENT,
                   "the cell selection is %ld\xC3\x97%ld but the targets are %ld\xC3\x97%ld (Parameter 'only')",
                   (long)mask_rows, (long)mask_cols, (long)walk.rows, (long)walk.cols);
    }
    /* Every target is range-checked, masked or not (the chip checks its whole padded grid). */
    int64_t cell;
    float target;
    walk_start(&walk);
    while (walk_next(&walk, &cell, &target)) {
        if (!(target >= -1.0f && target <= 1.0f)) {
            char text[32];
            float_text(text, sizeof text, target);
            return nak(answer, capacity, kind, AIMC_NAK_CHIP, "weight target %s at row %ld, column %ld is outside [-1, 1]",
                       text, (long)(cell / walk.cols), (long)(cell % walk.cols));
        }
    }
    /* Only now the answer's size is known to fit: four tile grids and the unconverged cells (at most the tile). */
    int64_t tile_cells = (int64_t)chip->shape.rows * chip->shape.cols;
    if (32 + tile_cells * 24 > capacity) {
        return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE, "a programming report of %lld cells exceeds the %lu bytes this rig can send",
                   (long long)tile_cells, (unsigned long)capacity);
    }
    if (has_mask) {
        /* Only the masked cells: the mask as a bitmap, with the targets of every cell beside it. */
        walk.selection = SELECT_BITMAP;
        walk.by_cell = true;
        walk.listed = 0;
        for (int64_t k = 0; k < walk.cells; k++) {
            walk.listed += (walk.list[k >> 3] >> (k & 7)) & 1U;
        }
    }
    report_stream stream = report_stream_for(chip, answer, capacity, false, true);
    if (!program(chip, tile, &walk, !has_mask, &options, &stream, answer, capacity, kind, &length)) {
        return length;
    }
    /* The grids and the unconverged list are in place; the rest of the report around them. */
    aimc_writer w;
    aimc_writer_init(&w, answer, capacity);
    aimc_put_i32(&w, tile);
    aimc_put_i32(&w, chip->shape.rows);
    aimc_put_i32(&w, chip->shape.cols);
    aimc_put_reserve(&w, 16U * (uint32_t)stream.cells);
    aimc_put_i64(&w, chip->total_pulses(chip->context, tile));
    aimc_put_u32(&w, stream.unconverged);
    aimc_put_reserve(&w, 8U * stream.unconverged);
    *kind = AIMC_KIND_RSP;
    return w.at;
}

/* PROTOCOL.md 6.7 -> 6.8. */
static uint32_t program_cells_request(const aimc_chip *chip, aimc_reader *reader, uint8_t *answer, uint32_t capacity,
                                      uint8_t *kind)
{
    int32_t tile = aimc_get_i32(reader);
    aimc_write_verify options;
    options.verify = aimc_get_bool(reader);
    options.tolerance = aimc_get_f64(reader);
    options.max_pulses_per_cell = aimc_get_i32(reader);
    selection_walk walk = {0};
    walk.rows = aimc_get_count(reader, "rows", (int32_t)MAX_COUNT);
    walk.cols = aimc_get_count(reader, "cols", (int32_t)MAX_COUNT);
    uint8_t detail = aimc_get_u8(reader);
    char why[128];
    if (!reader->bad && detail > REPORT_PER_WEIGHT) {
        snprintf(why, sizeof why, "report %u is neither 0 (summary) nor 1 (per weight)", detail);
        aimc_reader_fail(reader, why);
    }
    walk.format = aimc_get_u8(reader);
    if (!reader->bad && walk.format > FORMAT_Q14) {
        snprintf(why, sizeof why, "target format %u is neither 0 (f32) nor 1 (q14)", walk.format);
        aimc_reader_fail(reader, why);
    }
    walk.selection = aimc_get_u8(reader);
    if (!reader->bad && walk.selection > SELECT_BITMAP) {
        snprintf(why, sizeof why, "cell selection %u is not 0 (all), 1 (gaps) or 2 (bitmap)", walk.selection);
        aimc_reader_fail(reader, why);
    }
    if (!reader->bad && walk.selection == SELECT_GAPS) {
        walk.cells = (int64_t)walk.rows * walk.cols;
        if (walk.cells > MAX_GAP_GRID_CELLS) {
            snprintf(why, sizeof why, "a %ld\xC3\x97%ld grid has more than %ld cells", (long)walk.rows, (long)walk.cols,
                     (long)MAX_GAP_GRID_CELLS);
            aimc_reader_fail(reader, why);
        }
    } else {
        walk.cells = grid_cells(reader, walk.rows, walk.cols);
    }
    if (!reader->bad) {
        if (walk.selection == SELECT_ALL) {
            if (walk.cells * (walk.format == FORMAT_F32 ? 4 : 2) > (int64_t)aimc_reader_remaining(reader)) {
                snprintf(why, sizeof why, "the targets of all %lld cells of a %ld\xC3\x97%ld grid do not fit in the %lu bytes left",
                         (long long)walk.cells, (long)walk.rows, (long)walk.cols,
                         (unsigned long)aimc_reader_remaining(reader));
                aimc_reader_fail(reader, why);
            }
            walk.listed = (uint32_t)walk.cells;
        } else if (walk.selection == SELECT_GAPS) {
            gaps_decode(reader, &walk);
        } else {
            walk.list_bytes = (uint32_t)((walk.cells + 7) / 8);
            walk.list = aimc_get_bytes(reader, walk.list_bytes);
            for (uint32_t i = 0; walk.list != NULL && i < walk.list_bytes; i++) {
                walk.listed += (uint32_t)__builtin_popcount(walk.list[i]);
            }
        }
    }
    if (!reader->bad) {
        targets_decode(reader, &walk);
    }
    aimc_reader_end(reader);
    if (reader->bad) {
        return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader->why);
    }
    int64_t tile_cells = (int64_t)chip->shape.rows * chip->shape.cols;
    uint32_t length;
    if (33 + tile_cells * (detail == REPORT_PER_WEIGHT ? 20 : 4) + 4 * (int64_t)(chip->shape.max_pulses_per_cell + 2) > capacity) {
        return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE, "a programming report of %lld cells exceeds the %lu bytes this rig can send",
                   (long long)tile_cells, (unsigned long)capacity);
    }
    /* The report covers the tile: the emulator reports every cell of it. */
    report_stream stream = report_stream_for(chip, answer, capacity, true, detail == REPORT_PER_WEIGHT);
    if (!program(chip, tile, &walk, walk.selection == SELECT_ALL, &options, &stream, answer, capacity, kind, &length)) {
        return length;
    }
    /* The histogram and the unconverged list are in place; the rest of the report around them, and the grids (kept
     * in the tail) moved to the end. */
    aimc_writer w;
    aimc_writer_init(&w, answer, capacity);
    aimc_put_i32(&w, tile);
    aimc_put_i32(&w, chip->shape.rows);
    aimc_put_i32(&w, chip->shape.cols);
    aimc_put_i64(&w, chip->total_pulses(chip->context, tile));
    aimc_put_u32(&w, stream.bins);
    aimc_put_reserve(&w, 4U * stream.bins);
    aimc_put_u32(&w, stream.unconverged);
    aimc_put_reserve(&w, 4U * stream.unconverged);
    aimc_put_bool(&w, detail == REPORT_PER_WEIGHT);
    if (detail == REPORT_PER_WEIGHT) {
        uint32_t grids = 16U * (uint32_t)stream.cells;
        uint8_t *place = aimc_put_reserve(&w, grids);
        if (place != NULL) {
            memmove(place, answer + stream.grids, grids);
        }
    }
    if (w.full) {
        return nak(answer, capacity, kind, AIMC_NAK_INTERNAL, "the programming report did not fit the answer buffer");
    }
    *kind = AIMC_KIND_RSP;
    return w.at;
}

/* A READBACK as the chip streams it (chip.h), into the places the answer's layout gives its grids. */
#define READBACK_MAX_ARRAYS 16U
typedef struct {
    uint8_t *answer;
    int32_t cells;
    uint16_t arrays;
    uint32_t states[READBACK_MAX_ARRAYS];
    uint32_t weights;
} readback_stream;

static void stream_weight(void *context, int32_t cell, float value, bool add)
{
    readback_stream *r = context;
    if (cell >= 0 && cell < r->cells) {
        uint8_t *at = r->answer + r->weights + 4U * (uint32_t)cell;
        f32_put(at, add ? f32_at(at) + value : value);
    }
}

static void stream_state(void *context, uint16_t array, int32_t cell, float value)
{
    readback_stream *r = context;
    if (array < r->arrays && cell >= 0 && cell < r->cells) {
        f32_put(r->answer + r->states[array] + 4U * (uint32_t)cell, value);
    }
}

static uint32_t readback_request(const aimc_chip *chip, aimc_reader *reader, uint8_t *answer, uint32_t capacity,
                                 uint8_t *kind)
{
    int32_t tile = aimc_get_i32(reader);
    aimc_reader_end(reader);
    if (reader->bad) {
        return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader->why);
    }
    uint32_t length;
    if (!check_tile(chip, tile, answer, capacity, kind, &length)) {
        return length;
    }
    /* The layout first, so that an answer too large is refused before the chip is touched; the weights and states
     * then go to their places as the chip streams them. */
    readback_stream stream = {answer, chip->shape.rows * chip->shape.cols, 0, {0}, 0};
    aimc_writer w;
    aimc_writer_init(&w, answer, capacity);
    aimc_put_i32(&w, tile);
    aimc_put_i32(&w, chip->shape.rows);
    aimc_put_i32(&w, chip->shape.cols);
    stream.weights = w.at;
    aimc_put_reserve(&w, 4U * (uint32_t)stream.cells);
    aimc_put_u16(&w, chip->array_count);
    if (chip->array_count > READBACK_MAX_ARRAYS) {
        return nak(answer, capacity, kind, AIMC_NAK_INTERNAL, "the chip has %u device arrays, more than the %u this firmware reads back",
                   (unsigned)chip->array_count, (unsigned)READBACK_MAX_ARRAYS);
    }
    for (uint16_t a = 0; a < chip->array_count; a++) {
        aimc_put_str(&w, chip->array_name(chip->context, a));
        aimc_put_f64(&w, chip->device_full_scale);
        aimc_put_str(&w, chip->device_unit);
        aimc_put_i32(&w, chip->shape.rows);
        aimc_put_i32(&w, chip->shape.cols);
        stream.states[a] = w.at;
        aimc_put_reserve(&w, 4U * (uint32_t)stream.cells);
    }
    if (w.full) {
        return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE, "the device states of a tile exceed the %lu bytes this rig can send",
                   (unsigned long)capacity);
    }
    stream.arrays = chip->array_count;
    aimc_readback_sink sink = {&stream, stream_weight, stream_state};
    chip->read_back(chip->context, tile, &sink);
    if (chip_failed(chip, answer, capacity, kind, &length)) {
        return length;
    }
    *kind = AIMC_KIND_RSP;
    return w.at;
}

/* Packed codes (PROTOCOL.md 2.3, packed[n; w, s]) read one at a time. */
typedef struct {
    const uint8_t *bytes;
    uint32_t at;
    uint64_t buffer;
    unsigned filled, bits;
} packed_reader;

static int32_t packed_next(packed_reader *p)
{
    while (p->filled < p->bits) {
        p->buffer |= (uint64_t)p->bytes[p->at++] << p->filled;
        p->filled += 8;
    }
    uint32_t mask = p->bits == 32 ? 0xFFFFFFFFU : (1U << p->bits) - 1U;
    uint32_t raw = (uint32_t)p->buffer & mask;
    p->buffer >>= p->bits;
    p->filled -= p->bits;
    /* Sign extension: the top bit of a w-bit code counts -2^(w-1). */
    uint32_t top = 1U << (p->bits - 1U);
    return (int32_t)((int64_t)(raw ^ top) - (int64_t)top);
}

/* The codes of an MVM request: i32 each, or packed (MVM_PACKED). */
typedef struct {
    const uint8_t *codes;
    unsigned bits; /* 0: i32 */
    packed_reader packed;
    uint32_t taken;
} code_walk;

static void codes_start(code_walk *walk)
{
    walk->taken = 0;
    walk->packed.bytes = walk->codes;
    walk->packed.at = 0;
    walk->packed.buffer = 0;
    walk->packed.filled = 0;
    walk->packed.bits = walk->bits;
}

static int32_t codes_next(code_walk *walk)
{
    int32_t code = walk->bits == 0 ? (int32_t)aimc_read_u32(walk->codes + 4U * walk->taken) : packed_next(&walk->packed);
    walk->taken++;
    return code;
}

static unsigned bits_for(int64_t min, int64_t max, bool is_signed)
{
    for (unsigned bits = 1; bits < 32; bits++) {
        int64_t low = is_signed ? -((int64_t)1 << (bits - 1)) : 0;
        int64_t high = is_signed ? ((int64_t)1 << (bits - 1)) - 1 : ((int64_t)1 << bits) - 1;
        if (min >= low && max <= high) {
            return bits;
        }
    }
    return 32;
}

/* MVM (6.5 -> 6.6) and MVM_PACKED (6.9 -> 6.10). */
static uint32_t mvm_request(aimc_requests *requests, bool packed, aimc_reader *reader, uint8_t *answer, uint32_t capacity,
                            uint8_t *kind)
{
    const aimc_chip *chip = requests->chip;
    int32_t tile = aimc_get_i32(reader);
    int32_t batch = aimc_get_count(reader, "batch", (int32_t)MAX_COUNT);
    int32_t n = aimc_get_count(reader, "n", (int32_t)MAX_COUNT);
    code_walk walk = {0};
    uint32_t known_scales = 0;
    if (packed) {
        known_scales = aimc_get_u32(reader);
        walk.bits = aimc_get_u8(reader);
    }
    int64_t count = grid_cells(reader, batch, n);
    if (!packed) {
        walk.codes = get_values(reader, count, 4);
    } else if (!reader->bad) {
        char why[128];
        if (walk.bits < 1 || walk.bits > 32) {
            snprintf(why, sizeof why, "a code width of %u bits is outside 1..32", walk.bits);
            aimc_reader_fail(reader, why);
        } else if ((count * walk.bits + 7) / 8 > (int64_t)aimc_reader_remaining(reader)) {
            snprintf(why, sizeof why, "%lld codes of %u bits need %lld bytes, %lu are left", (long long)count, walk.bits,
                     (long long)((count * walk.bits + 7) / 8), (unsigned long)aimc_reader_remaining(reader));
            aimc_reader_fail(reader, why);
        } else {
            uint32_t bytes = (uint32_t)((count * walk.bits + 7) / 8);
            walk.codes = aimc_get_bytes(reader, bytes);
            /* The padding bits after the last code must be zero: one encoding has one byte string. */
            codes_start(&walk);
            for (int64_t k = 0; k < count; k++) {
                (void)codes_next(&walk);
            }
            if (walk.packed.buffer != 0) {
                snprintf(why, sizeof why, "the padding bits after %lld codes of %u bits are not zero", (long long)count,
                         walk.bits);
                aimc_reader_fail(reader, why);
            }
        }
    }
    aimc_reader_end(reader);
    if (reader->bad) {
        return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader->why);
    }
    if (batch > AIMC_MAX_MVM_BATCH) {
        return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE,
                   "an MVM of %ld vectors: this rig takes at most %d per request; send fewer", (long)batch,
                   AIMC_MAX_MVM_BATCH);
    }
    int32_t max = (int32_t)((1L << (chip->shape.dac_bits - 1)) - 1);
    codes_start(&walk);
    for (int64_t k = 0; k < count; k++) {
        int32_t code = codes_next(&walk);
        if (code < -max || code > max) {
            return nak(answer, capacity, kind, AIMC_NAK_CHIP, "input code %ld is outside the %ld-bit DAC range [-%ld, %ld]",
                       (long)code, (long)chip->shape.dac_bits, (long)max, (long)max);
        }
    }
    uint32_t length;
    if (!check_tile(chip, tile, answer, capacity, kind, &length)) {
        return length;
    }
    int32_t rows = chip->shape.rows, cols = chip->shape.cols;
    if (n > rows) {
        return nak(answer, capacity, kind, AIMC_NAK_CHIP, "inputs have %ld values per vector but the tile has %ld rows",
                   (long)n, (long)rows);
    }
    int32_t saturated = 0;
    uint32_t at;
    if (!packed) {
        int64_t needed = 12 + (int64_t)batch * cols * 4 + (int64_t)cols * 16;
        if (needed > capacity) {
            return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE,
                       "the answer to an MVM of %ld vectors exceeds the %lu bytes this rig can send; send fewer",
                       (long)batch, (unsigned long)capacity);
        }
        codes_start(&walk);
        at = 12;
        for (int32_t s = 0; s < batch; s++) {
            for (int32_t i = 0; i < rows; i++) {
                requests->inputs[i] = i < n ? codes_next(&walk) : 0;
            }
            int32_t vector_saturated = 0;
            chip->mvm(chip->context, tile, requests->inputs, requests->outputs, &vector_saturated);
            uint32_t failed;
            if (chip_failed(chip, answer, capacity, kind, &failed)) {
                return failed;
            }
            saturated += vector_saturated;
            for (int32_t j = 0; j < cols; j++) {
                aimc_write_u32(answer + at, (uint32_t)requests->outputs[j]);
                at += 4;
            }
        }
    } else {
        /* Codes at the ADC's width, packed as they come. A code outside the ADC's range (which a back-end should
         * never produce) widens the codes: the vectors are computed once more at the width that holds them all. */
        int64_t min = chip->shape.adc_code_min, max_code = chip->shape.adc_code_max;
        bool is_signed = min < 0;
        unsigned bits = bits_for(min, max_code, is_signed);
        for (int pass = 0; pass < 2; pass++) {
            int64_t needed = 14 + ((int64_t)batch * cols * bits + 7) / 8 + 5 + (int64_t)cols * 16;
            if (needed > capacity) {
                return nak(answer, capacity, kind, AIMC_NAK_TOO_LARGE,
                           "the answer to an MVM of %ld vectors exceeds the %lu bytes this rig can send; send fewer",
                           (long)batch, (unsigned long)capacity);
            }
            answer[12] = (uint8_t)bits;
            answer[13] = is_signed ? 1 : 0;
            uint64_t buffer = 0;
            unsigned filled = 0;
            uint32_t mask = bits == 32 ? 0xFFFFFFFFU : (1U << bits) - 1U;
            at = 14;
            saturated = 0;
            int64_t low = min, high = max_code;
            codes_start(&walk);
            for (int32_t s = 0; s < batch; s++) {
                for (int32_t i = 0; i < rows; i++) {
                    requests->inputs[i] = i < n ? codes_next(&walk) : 0;
                }
                int32_t vector_saturated = 0;
                chip->mvm(chip->context, tile, requests->inputs, requests->outputs, &vector_saturated);
                uint32_t failed;
                if (chip_failed(chip, answer, capacity, kind, &failed)) {
                    return failed;
                }
                saturated += vector_saturated;
                for (int32_t j = 0; j < cols; j++) {
                    int32_t code = requests->outputs[j];
                    low = code < low ? code : low;
                    high = code > high ? code : high;
                    buffer |= (uint64_t)((uint32_t)code & mask) << filled;
                    filled += bits;
                    while (filled >= 8) {
                        answer[at++] = (uint8_t)buffer;
                        buffer >>= 8;
                        filled -= 8;
                    }
                }
            }
            if (filled > 0) {
                answer[at++] = (uint8_t)buffer;
            }
            if (low == min && high == max_code) {
                break;
            }
            min = low;
            max_code = high;
            is_signed = min < 0;
            bits = bits_for(min, max_code, is_signed);
        }
    }
    aimc_write_u32(answer, (uint32_t)batch);
    aimc_write_u32(answer + 4, (uint32_t)cols);
    aimc_write_u32(answer + 8, (uint32_t)saturated);
    uint8_t scale[8];
    uint32_t crc = AIMC_CRC32C_INIT;
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t j = 0; j < cols; j++) {
            double value = pass == 0 ? chip->mac_per_code(chip->context, tile, j) : chip->mac_offset(chip->context, tile, j);
            uint64_t bits;
            memcpy(&bits, &value, sizeof bits);
            aimc_write_u32(scale, (uint32_t)bits);
            aimc_write_u32(scale + 4, (uint32_t)(bits >> 32));
            crc = aimc_crc32c_update(crc, scale, sizeof scale);
        }
    }
    crc = aimc_crc32c_final(crc);
    bool with_scales = true;
    if (packed) {
        with_scales = crc != known_scales || known_scales == 0;
        aimc_write_u32(answer + at, crc);
        answer[at + 4] = with_scales ? 1 : 0;
        at += 5;
    }
    if (with_scales) {
        for (int pass = 0; pass < 2; pass++) {
            for (int32_t j = 0; j < cols; j++) {
                double value = pass == 0 ? chip->mac_per_code(chip->context, tile, j) : chip->mac_offset(chip->context, tile, j);
                uint64_t bits;
                memcpy(&bits, &value, sizeof bits);
                aimc_write_u32(answer + at, (uint32_t)bits);
                aimc_write_u32(answer + at + 4, (uint32_t)(bits >> 32));
                at += 8;
            }
        }
    }
    *kind = AIMC_KIND_RSP;
    return at;
}

static uint32_t clock_reading(const aimc_chip *chip, uint8_t *answer, uint8_t *kind)
{
    double seconds = chip->clock_seconds(chip->context);
    uint64_t bits;
    memcpy(&bits, &seconds, sizeof bits);
    aimc_write_u32(answer, (uint32_t)bits);
    aimc_write_u32(answer + 4, (uint32_t)(bits >> 32));
    answer[8] = chip->clock_is_virtual ? 1 : 0;
    *kind = AIMC_KIND_RSP;
    return 9;
}

bool aimc_requests_init(aimc_requests *requests, const aimc_chip *chip)
{
    requests->chip = chip;
    return chip->shape.rows >= 1 && chip->shape.rows <= AIMC_CHIP_MAX_ROWS && chip->shape.cols >= 1 &&
           chip->shape.cols <= AIMC_CHIP_MAX_COLS && chip->shape.tiles >= 1 && chip->shape.dac_bits >= 2 &&
           chip->shape.dac_bits <= 31;
}

uint32_t aimc_requests_capabilities(const aimc_chip *chip)
{
    return (chip->reseed != NULL ? AIMC_CAP_RESEED : 0U) | (chip->clock_is_virtual ? AIMC_CAP_VIRTUAL_CLOCK : 0U);
}

uint32_t aimc_requests_execute(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                               uint8_t *answer, uint32_t capacity, uint8_t *kind)
{
    aimc_requests *requests = context;
    const aimc_chip *chip = requests->chip;
    aimc_reader reader;
    aimc_reader_init(&reader, payload, length);
    (void)minor; /* the session NAKs the 1.2 opcodes below 1.2 */
    if (capacity < AIMC_FRAME_MIN_MAX_PAYLOAD) {
        *kind = AIMC_KIND_NAK;
        return 0;
    }
    switch (opcode) {
    case AIMC_OPCODE_GET_INFO: {
        aimc_reader_end(&reader);
        if (reader.bad) {
            return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader.why);
        }
        aimc_writer w;
        aimc_writer_init(&w, answer, capacity);
        chip->write_info(chip->context, &w);
        if (w.full) {
            return nak(answer, capacity, kind, AIMC_NAK_INTERNAL, "the chip's info exceeds the %lu bytes this rig can send",
                       (unsigned long)capacity);
        }
        *kind = AIMC_KIND_RSP;
        return w.at;
    }
    case AIMC_OPCODE_PROGRAM:
        return program_request(chip, &reader, answer, capacity, kind);
    case AIMC_OPCODE_PROGRAM_CELLS:
        return program_cells_request(chip, &reader, answer, capacity, kind);
    case AIMC_OPCODE_READBACK:
        return readback_request(chip, &reader, answer, capacity, kind);
    case AIMC_OPCODE_MVM:
        return mvm_request(requests, false, &reader, answer, capacity, kind);
    case AIMC_OPCODE_MVM_PACKED:
        return mvm_request(requests, true, &reader, answer, capacity, kind);
    case AIMC_OPCODE_CLOCK_GET:
        aimc_reader_end(&reader);
        if (reader.bad) {
            return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader.why);
        }
        return clock_reading(chip, answer, kind);
    case AIMC_OPCODE_CLOCK_ADVANCE: {
        double seconds = aimc_get_f64(&reader);
        aimc_reader_end(&reader);
        if (reader.bad) {
            return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader.why);
        }
        if (!chip->clock_is_virtual || chip->clock_advance == NULL) {
            return nak(answer, capacity, kind, AIMC_NAK_CHIP,
                       "this chip runs on the wall clock, which cannot be advanced; wait instead");
        }
        if (!(seconds >= 0) || !isfinite(seconds)) {
            char text[40];
            double_text(text, sizeof text, seconds);
            return nak(answer, capacity, kind, AIMC_NAK_CHIP, "the clock can only move forward by a finite time, not %s s",
                       text);
        }
        chip->clock_advance(chip->context, seconds);
        return clock_reading(chip, answer, kind);
    }
    case AIMC_OPCODE_RESEED: {
        uint64_t seed = aimc_get_u64(&reader);
        aimc_reader_end(&reader);
        if (reader.bad) {
            return nak(answer, capacity, kind, AIMC_NAK_BAD_PAYLOAD, "%s", reader.why);
        }
        if (chip->reseed == NULL) {
            return nak(answer, capacity, kind, AIMC_NAK_UNSUPPORTED, "this rig is hardware; its noise cannot be reseeded");
        }
        chip->reseed(chip->context, seed);
        *kind = AIMC_KIND_RSP;
        return 0;
    }
    default:
        return nak(answer, capacity, kind, AIMC_NAK_UNKNOWN_OPCODE, "opcode 0x%04X is not one this firmware knows", opcode);
    }
}
