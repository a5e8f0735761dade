/* The `tc1` chip back-end: a TC1 test chip driven through its register interface (hil-rigs/direct-tc1.md) over the
 * HAL's aimc_hal_spi_transfer, with START/DONE on two GPIO lines and the board's converters on its word lines and
 * column outputs (hal.h). It sends the same transactions as the C# DirectChip for the same operation (checked against
 * test/tc1_transactions.json). It keeps no tile: a PROGRAM takes each row's mask and targets from the request as it
 * writes them, and a PROGRAM or READBACK puts each report row into the answer as it reads it (chip.h), so its RAM is
 * one row's SPI buffer whatever the tile's size. */
#ifndef AIMC_TC1_CHIP_H
#define AIMC_TC1_CHIP_H

#include <stdint.h>

#include "chip.h"

/* Columns of a tile: the SPI buffer holds one row's read (3 + 2 * cols bytes). */
#ifndef AIMC_TC1_MAX_COLS
#define AIMC_TC1_MAX_COLS 64
#endif

#define AIMC_TC1_ID 0x7C01

/* What TC1 cannot say over its registers (GEOMETRY gives only the shape), and the board's converters. */
typedef struct {
    const char *name;          /* ChipInfo name, e.g. "tc1" */
    uint8_t domain, device;    /* ChipInfo codes (PROTOCOL.md 6.1): 0 current, 1 rram for TC1 */
    bool differential_pair;    /* arrays G+ and G-, weight = G+ - G-; else one array "G", weights from ACHIEVED */
    int32_t adc_bits;          /* the board's ADC on the column outputs */
    int32_t adc_code_min, adc_code_max;
    int32_t code_rail_low;     /* an output code at or below: not a measurement (an ADC or output buffer rail) */
    int32_t code_rail_high;    /* an output code at or above: not a measurement */
    double mac_per_code;       /* MAC = mac_offset + code * mac_per_code, every column */
    double mac_offset;
    double input_half_span_volts, output_half_span_volts, mac_full_scale;
    uint32_t done_timeout_ms;  /* for a compute; a PROGRAM waits this long per row */
    uint32_t max_pulses_per_cell; /* the pulse budget HELLO advertises, 1 .. 255 (PROGRAM_CONFIG's byte) */
} aimc_tc1_config;

typedef struct {
    aimc_chip chip;
    aimc_tc1_config config;
    int32_t rows, cols, tiles, input_bits;
    int32_t selected_tile; /* TILE as last written, -1 before */
    int32_t program_tile;  /* the tile of the last PROGRAM that succeeded, -1: none */
    int64_t total_pulses;  /* its PROGRAM_TOTALS */
    const char *fault;
    char fault_text[200];
    uint8_t spi[3 + 2 * AIMC_TC1_MAX_COLS];
} aimc_tc1_chip;

/* Resets START, reads ID and GEOMETRY and sets the back-end up; NULL with the reason in why when the chip does not
 * answer as a TC1 or a row of its tiles exceeds this build's SPI buffer (AIMC_TC1_MAX_COLS). */
const aimc_chip *aimc_tc1_chip_init(aimc_tc1_chip *tc1, const aimc_tc1_config *config, char *why, size_t capacity);

#endif
