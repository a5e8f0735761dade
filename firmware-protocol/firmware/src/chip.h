/* The chip operations a back-end provides (the chip half of the HAL, hal.h): what the requests of PROTOCOL.md section
 * 6 need from a chip, one cell or one input vector at a time, so the request layer needs no buffer of a tile's size.
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

/* One cell's line of a programming report (PROTOCOL.md 6.3). */
typedef struct {
    float target, representable, achieved;
    int32_t pulses;
    bool converged;
} aimc_cell_report;

typedef struct {
    aimc_chip_shape shape;
    void *context;
    /* The ChipInfo payload (PROTOCOL.md 6.1). */
    void (*write_info)(void *context, aimc_writer *writer);
    /* Programming: begin (all: every cell of the tile is rewritten, unlisted ones to 0; else only the cells set),
     * set each target (cell = row * cols + col of the tile, in [-1, 1]: the request layer checked it), run. */
    void (*begin_program)(void *context, int32_t tile, bool all);
    void (*set_target)(void *context, int32_t cell, float target);
    void (*run_program)(void *context, const aimc_write_verify *options);
    /* The last programming of a tile, cell by cell, and its total pulses. */
    void (*cell_report)(void *context, int32_t tile, int32_t cell, aimc_cell_report *report);
    int64_t (*total_pulses)(void *context, int32_t tile);
    /* READBACK: the effective weight of a cell, the device arrays (name, full scale, unit) and their states. */
    float (*read_weight)(void *context, int32_t tile, int32_t cell);
    uint16_t array_count;
    const char *(*array_name)(void *context, uint16_t array);
    double device_full_scale;
    const char *device_unit;
    float (*read_state)(void *context, int32_t tile, uint16_t array, int32_t cell);
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
    /* Why the last run_program, READBACK or mvm failed (a bus or a line that did not answer), or NULL; NULL function:
     * the back-end cannot fail. The request layer answers NAK CHIP with the message. */
    const char *(*fault)(void *context);
} aimc_chip;

#endif
