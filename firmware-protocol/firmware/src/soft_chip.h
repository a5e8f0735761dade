/* The `soft` chip back-end: a small SRAM charge-redistribution crossbar computed in integers, the emulator's
 * charge_redistribution domain with sram cells as `aimc ... --ideal` runs it (AimcHil.Emulator: BitSlicedEncoding,
 * ChargeRedistributionDomain, Adc, WriteVerify with an ideal SramDevice). Weights are two's-complement integers
 * q = round_half_away(clamp(w) * Q), Q = 2^(weight_bits-1) - 1, one bit column each; inputs are applied one bit per
 * phase; each (phase, bit) column count of ones is converted by a unipolar ADC of LSB 1 (codes 0 .. 2^adc_bits - 1,
 * a count above the top code saturates) and the codes are recombined with weights +-2^(phase+bit). So the codes,
 * the scales and the programming reports equal the ideal emulator's bit for bit. */
#ifndef AIMC_SOFT_CHIP_H
#define AIMC_SOFT_CHIP_H

#include <stdint.h>

#include "chip.h"

/* Cells over all tiles this build holds (3 bytes of weight state and 4 of target per cell). */
#ifndef AIMC_SOFT_MAX_CELLS
#define AIMC_SOFT_MAX_CELLS 4096
#endif

/* What chip the back-end is: the rig file of the same chip in the emulator has these values. */
typedef struct {
    const char *name;
    int32_t rows, cols, tiles;
    int32_t dac_bits;    /* 2 .. 16; inputs are signed codes, one bit per phase */
    int32_t adc_bits;    /* 1 .. 16, and 2^adc_bits - 1 <= rows (as the emulator requires) */
    int32_t weight_bits; /* 2 .. 8 */
    double vdd_volts;
    double unit_capacitance_farad;
    uint32_t max_pulses_per_cell;
} aimc_soft_config;

typedef struct {
    aimc_chip chip;
    aimc_soft_config config;
    int8_t level[AIMC_SOFT_MAX_CELLS];   /* the integer weight each cell holds */
    float target[AIMC_SOFT_MAX_CELLS];   /* the weight last asked of it */
    uint8_t pulses[AIMC_SOFT_MAX_CELLS]; /* pulses of the tile's last programming */
    uint8_t selected[AIMC_SOFT_MAX_CELLS];
    int64_t total_pulses[8];
    int32_t program_tile;
    double clock_seconds;
} aimc_soft_chip;

/* The largest tile count the soft back-end keeps pulse totals for. */
#define AIMC_SOFT_MAX_TILES 8

/* The default of the host target: two 32x32 tiles, 8-bit inputs, 5-bit ADC, 4-bit weights. */
aimc_soft_config aimc_soft_default_config(void);

/* Sets the chip up (every weight 0, as a freshly reset chip); NULL when the configuration is outside the limits
 * above, with the reason in why. */
const aimc_chip *aimc_soft_chip_init(aimc_soft_chip *soft, const aimc_soft_config *config, char *why, size_t capacity);

#endif
