/* The chip operations a back-end provides (the chip half of the HAL, hal.h): what the requests of PROTOCOL.md section
 * 6 need from a chip, one input vector at a time, and tiles streamed from the request and into the answer, so neither
 * the request layer nor a back-end needs a buffer of a tile's size.
 * A back-end that can fail (a bus that does not answer) says why through fault (the host shows CHIP messages verbatim). */
#ifndef AIMC_CHIP_H
#define AIMC_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payload.h"

/* The sizes of the chip the request layer checks requests against (ChipInfo of PROTOCOL.md 6.1 has them too). */
typedef struct {
    int32_t rows, cols, tiles;
    int32_t dac_bits;                   /* input codes are within +-(2^(dac_bits-1) - 1) */
    int32_t adc_code_min, adc_code_max; /* the range of output codes */
    uint32_t max_pulses_per_cell;       /* the pulse budget of one PROGRAM (HELLO's limit) */
} aimc_chip_shape;

/* Write-verify options of PROGRAM and PROGRAM_CELLS. */
typedef struct {
    bool verify;
    double tolerance;
    int32_t max_pulses_per_cell;
} aimc_write_verify;

/* The targets of one programming, read from the request itself: the selected cells in increasing order (cell = row *
 * cols + col of the tile) with their targets, each in [-1, 1] (the request layer checked them). A back-end may walk
 * them more than once (TC1 takes every row's mask before the first row's targets) and need keep none of them. */
typedef struct {
    void *context;
    void (*start)(void *context);
    bool (*next)(void *context, int32_t *cell, float *target);
} aimc_targets;

/* The fields of a programming report (PROTOCOL.md 6.3), one value per cell of the tile. */
typedef enum {
    AIMC_REPORT_TARGET,        /* what the cell was asked for (an unselected cell: what it holds as its target) */
    AIMC_REPORT_REPRESENTABLE, /* the target as the device levels can hold it */
    AIMC_REPORT_ACHIEVED,      /* the weight the cell holds after programming */
} aimc_report_field;

/* Where a back-end puts a programming report as it reads it from the chip: straight into the answer being written, so
 * neither the back-end nor the request layer keeps a copy of a tile's report. Every cell of the tile gets each field
 * and its pulses once, in any order, and every pulse count comes before the first unconverged cell; the unconverged
 * cells come in increasing order. */
typedef struct {
    void *context;
    void (*value)(void *context, aimc_report_field field, int32_t cell, float value);
    void (*pulses)(void *context, int32_t cell, int32_t pulses);
    void (*unconverged)(void *context, int32_t cell);
} aimc_report_sink;

/* Where a back-end puts a READBACK as it reads it: every cell's weight and every cell's state in each device array.
 * A weight is set, or with add true added to what was set (a differential pair streams G+ and then -G-: in IEEE
 * arithmetic a + (-b) is exactly a - b). */
typedef struct {
    void *context;
    void (*weight)(void *context, int32_t cell, float value, bool add);
    void (*state)(void *context, uint16_t array, int32_t cell, float value);
} aimc_readback_sink;

typedef struct {
    aimc_chip_shape shape;
    void *context;
    /* The ChipInfo payload (PROTOCOL.md 6.1). */
    void (*write_info)(void *context, aimc_writer *writer);
    /* Programming (all: every cell of the tile is rewritten, unlisted ones to 0; else only the cells listed): the chip
     * programs the targets and puts the report into report; then the total pulses of that programming. */
    void (*program)(void *context, int32_t tile, bool all, const aimc_targets *targets, const aimc_write_verify *options,
                    const aimc_report_sink *report);
    int64_t (*total_pulses)(void *context, int32_t tile);
    /* READBACK: the effective weights of a tile and the states of its device arrays (name, full scale, unit). */
    void (*read_back)(void *context, int32_t tile, const aimc_readback_sink *sink);
    uint16_t array_count;
    const char *(*array_name)(void *context, uint16_t array);
    double device_full_scale;
    const char *device_unit;
    /* One input vector (rows codes, in range: checked) to cols output codes; *saturated counts outputs that hit a
     * rail. */
    void (*mvm)(void *context, int32_t tile, const int32_t *codes, int32_t *outputs, int32_t *saturated);
    /* MAC = mac_offset[col] + code * mac_per_code[col]. */
    double (*mac_per_code)(void *context, int32_t tile, int32_t col);
    double (*mac_offset)(void *context, int32_t tile, int32_t col);
    /* The chip's clock (is_virtual: CLOCK_ADVANCE works) and RESEED (NULL: hardware, NAK UNSUPPORTED). */
    double (*clock_seconds)(void *context);
    bool clock_is_virtual;
    void (*clock_advance)(void *context, double seconds);
    void (*reseed)(void *context, uint64_t seed);
    /* Why the last program, read_back or mvm failed (a bus or a line that did not answer), or NULL; NULL function:
     * the back-end cannot fail. The request layer answers NAK CHIP with the message. */
    const char *(*fault)(void *context);
} aimc_chip;

#endif
