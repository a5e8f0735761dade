#include "soft_chip.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static aimc_soft_chip *of(void *context)
{
    return context;
}

static int32_t weight_max(const aimc_soft_config *config)
{
    return (1 << (config->weight_bits - 1)) - 1;
}

static int32_t input_max(const aimc_soft_config *config)
{
    return (1 << (config->dac_bits - 1)) - 1;
}

static int32_t adc_top(const aimc_soft_config *config)
{
    return (1 << config->adc_bits) - 1;
}

static int32_t cells_per_tile(const aimc_soft_config *config)
{
    return config->rows * config->cols;
}

aimc_soft_config aimc_soft_default_config(void)
{
    aimc_soft_config config = {"soft-crossbar-32", 32, 32, 2, 8, 5, 4, 0.8, 1e-15, 1000};
    return config;
}

/* GET_INFO (PROTOCOL.md 6.1), the values the emulator's ChipInfo has for this chip. */
static void write_info(void *context, aimc_writer *w)
{
    const aimc_soft_config *c = &of(context)->config;
    int32_t counts = c->rows < adc_top(c) ? c->rows : adc_top(c);
    int32_t bound = counts * weight_max(c) * input_max(c);
    aimc_put_str(w, c->name);
    aimc_put_u8(w, 2); /* domain charge_redistribution */
    aimc_put_u8(w, 2); /* device sram */
    aimc_put_u8(w, 1); /* weight encoding twos_complement_bits */
    aimc_put_u8(w, 0);
    aimc_put_i32(w, c->rows);
    aimc_put_i32(w, c->cols);
    aimc_put_i32(w, c->tiles);
    aimc_put_i32(w, 2 * weight_max(c) + 1);
    aimc_put_i32(w, c->dac_bits);
    aimc_put_i32(w, c->adc_bits);
    aimc_put_f64(w, c->vdd_volts);
    aimc_put_str(w, "V");
    aimc_put_f64(w, (double)adc_top(c) * (c->vdd_volts / (double)c->rows));
    aimc_put_str(w, "V");
    aimc_put_f64(w, (double)counts);
    aimc_put_i32(w, -bound);
    aimc_put_i32(w, bound);
    aimc_put_str(w, "firmware");
    aimc_put_u16(w, 3);
    aimc_put_str(w, "dac_quantization");
    aimc_put_bool(w, true);
    aimc_put_f64(w, (double)c->dac_bits);
    aimc_put_str(w, "bit");
    aimc_put_str(w, "signed input codes");
    aimc_put_str(w, "adc_quantization");
    aimc_put_bool(w, true);
    aimc_put_f64(w, (double)c->adc_bits);
    aimc_put_str(w, "bit");
    aimc_put_str(w, "column ADC resolution");
    aimc_put_str(w, "output_saturation");
    aimc_put_bool(w, true);
    aimc_put_f64(w, (double)counts);
    aimc_put_str(w, "MAC");
    aimc_put_str(w, "outputs clip at the ADC range");
}

static void begin_program(aimc_soft_chip *soft, int32_t tile, bool all)
{
    int32_t n = cells_per_tile(&soft->config);
    soft->program_tile = tile;
    memset(soft->selected, all ? 1 : 0, (size_t)n);
    if (all) {
        /* A grid smaller than the tile programs its top-left corner and zeroes the rest. */
        for (int32_t k = 0; k < n; k++) {
            soft->target[tile * n + k] = 0.0f;
        }
    }
}

static void set_target(aimc_soft_chip *soft, int32_t cell, float target)
{
    int32_t n = cells_per_tile(&soft->config);
    if (cell < 0 || cell >= n) {
        return;
    }
    soft->target[soft->program_tile * n + cell] = target;
    soft->selected[cell] = 1;
}

/* BitSlicedEncoding.Quantize: (int)MathF.Round(clamp(w, -1, 1) * Q, MidpointRounding.AwayFromZero), in float. */
static int8_t quantize(const aimc_soft_config *config, float weight)
{
    float clamped = weight < -1.0f ? -1.0f : weight > 1.0f ? 1.0f : weight;
    return (int8_t)roundf(clamped * (float)weight_max(config));
}

/* An ideal SRAM write is exact: every device of a selected weight takes one pulse and verifies at once, so a weight
 * costs weight_bits pulses (one per bit cell), with or without verify, and always converges. */
static void run_program(aimc_soft_chip *soft, const aimc_write_verify *options)
{
    (void)options;
    int32_t n = cells_per_tile(&soft->config);
    int32_t base = soft->program_tile * n;
    int64_t total = 0;
    for (int32_t k = 0; k < n; k++) {
        if (soft->selected[k]) {
            soft->level[base + k] = quantize(&soft->config, soft->target[base + k]);
            soft->pulses[base + k] = (uint8_t)soft->config.weight_bits;
            total += soft->config.weight_bits;
        } else {
            soft->pulses[base + k] = 0;
        }
    }
    soft->total_pulses[soft->program_tile] = total;
}

/* BitSlicedEncoding.Decode: the integer over Q, in double, as a float. */
static float decoded(const aimc_soft_config *config, int8_t level)
{
    return (float)((double)level / (double)weight_max(config));
}

/* The report of the tile's programming, field by field (every cell converges). */
static void program(void *context, int32_t tile, bool all, const aimc_targets *targets,
                    const aimc_write_verify *options, const aimc_report_sink *report)
{
    aimc_soft_chip *soft = of(context);
    begin_program(soft, tile, all);
    int32_t cell;
    float target;
    targets->start(targets->context);
    while (targets->next(targets->context, &cell, &target)) {
        set_target(soft, cell, target);
    }
    run_program(soft, options);
    int32_t n = cells_per_tile(&soft->config);
    int32_t base = tile * n;
    for (int32_t k = 0; k < n; k++) {
        float representable = decoded(&soft->config, soft->level[base + k]);
        report->value(report->context, AIMC_REPORT_TARGET, k, soft->target[base + k]);
        report->value(report->context, AIMC_REPORT_REPRESENTABLE, k, representable);
        report->value(report->context, AIMC_REPORT_ACHIEVED, k, representable);
        report->pulses(report->context, k, soft->pulses[base + k]);
    }
}

static int64_t total_pulses(void *context, int32_t tile)
{
    return of(context)->total_pulses[tile];
}

static const char *array_name(void *context, uint16_t array)
{
    static const char *const names[8] = {"bit0", "bit1", "bit2", "bit3", "bit4", "bit5", "bit6", "bit7"};
    (void)context;
    return array < 8 ? names[array] : "";
}

static uint32_t level_bits(const aimc_soft_config *config, int8_t level)
{
    return (uint32_t)(int32_t)level & ((1U << config->weight_bits) - 1U);
}

/* The weights, then bit b of each cell's two's-complement level as array b. */
static void read_back(void *context, int32_t tile, const aimc_readback_sink *sink)
{
    aimc_soft_chip *soft = of(context);
    int32_t n = cells_per_tile(&soft->config);
    const int8_t *levels = soft->level + tile * n;
    for (int32_t k = 0; k < n; k++) {
        sink->weight(sink->context, k, decoded(&soft->config, levels[k]), false);
    }
    for (uint16_t a = 0; a < (uint16_t)soft->config.weight_bits; a++) {
        for (int32_t k = 0; k < n; k++) {
            sink->state(sink->context, a, k, (float)((level_bits(&soft->config, levels[k]) >> a) & 1U));
        }
    }
}

/* Two's-complement significance of bit b of a bits-wide number: the top bit counts negative. */
static int64_t significance(int32_t b, int32_t bits)
{
    return b == bits - 1 ? -((int64_t)1 << b) : (int64_t)1 << b;
}

/* ChargeRedistributionDomain through EmulatedChip.RecombinePhases, in integers. */
static void mvm(void *context, int32_t tile, const int32_t *codes, int32_t *outputs, int32_t *saturated)
{
    aimc_soft_chip *soft = of(context);
    const aimc_soft_config *c = &soft->config;
    int32_t n = cells_per_tile(c);
    const int8_t *levels = soft->level + tile * n;
    uint32_t mask = (1U << c->dac_bits) - 1U;
    int32_t top = adc_top(c);
    *saturated = 0;
    for (int32_t j = 0; j < c->cols; j++) {
        int64_t sum = 0;
        bool clipped = false;
        for (int32_t p = 0; p < c->dac_bits; p++) {
            for (int32_t b = 0; b < c->weight_bits; b++) {
                int32_t count = 0;
                for (int32_t i = 0; i < c->rows; i++) {
                    uint32_t x = ((uint32_t)codes[i] & mask) >> p;
                    uint32_t w = level_bits(c, levels[i * c->cols + j]) >> b;
                    count += (int32_t)(x & w & 1U);
                }
                if (count > top) {
                    count = top;
                    clipped = true;
                }
                sum += significance(p, c->dac_bits) * significance(b, c->weight_bits) * count;
            }
        }
        outputs[j] = (int32_t)sum;
        *saturated += clipped ? 1 : 0;
    }
}

/* The ADC's LSB (full scale 2^bits - 1 over as many codes: 1) times MAC per unit 1 / (Q * input max). */
static double mac_per_code(void *context, int32_t tile, int32_t col)
{
    (void)tile;
    (void)col;
    const aimc_soft_config *c = &of(context)->config;
    double lsb = (double)adc_top(c) / (double)adc_top(c);
    return lsb * (1.0 / ((double)weight_max(c) * (double)input_max(c))) * 1.0;
}

static double mac_offset(void *context, int32_t tile, int32_t col)
{
    (void)context;
    (void)tile;
    (void)col;
    return 0.0;
}

static double clock_seconds(void *context)
{
    return of(context)->clock_seconds;
}

static void clock_advance(void *context, double seconds)
{
    of(context)->clock_seconds += seconds;
}

const aimc_chip *aimc_soft_chip_init(aimc_soft_chip *soft, const aimc_soft_config *config, char *why, size_t capacity)
{
    const aimc_soft_config *c = config;
    if (c->rows < 1 || c->cols < 1 || c->tiles < 1 || c->tiles > AIMC_SOFT_MAX_TILES ||
        (int64_t)c->rows * c->cols * c->tiles > AIMC_SOFT_MAX_CELLS) {
        snprintf(why, capacity, "a soft chip of %ld tiles of %ldx%ld exceeds this build's %d cells and %d tiles",
                 (long)c->tiles, (long)c->rows, (long)c->cols, AIMC_SOFT_MAX_CELLS, AIMC_SOFT_MAX_TILES);
        return NULL;
    }
    if (c->dac_bits < 2 || c->dac_bits > 16 || c->weight_bits < 2 || c->weight_bits > 8 || c->adc_bits < 1 ||
        c->adc_bits > 16 || adc_top(c) > c->rows) {
        snprintf(why, capacity, "dac_bits %ld (2..16), weight_bits %ld (2..8) or adc_bits %ld (1..16, 2^bits - 1 <= "
                 "rows %ld) out of range", (long)c->dac_bits, (long)c->weight_bits, (long)c->adc_bits, (long)c->rows);
        return NULL;
    }
    memset(soft, 0, sizeof *soft);
    soft->config = *c;
    aimc_chip *chip = &soft->chip;
    int32_t counts = c->rows < adc_top(c) ? c->rows : adc_top(c);
    int32_t bound = counts * weight_max(c) * input_max(c);
    chip->shape.rows = c->rows;
    chip->shape.cols = c->cols;
    chip->shape.tiles = c->tiles;
    chip->shape.dac_bits = c->dac_bits;
    chip->shape.adc_code_min = -bound;
    chip->shape.adc_code_max = bound;
    chip->shape.max_pulses_per_cell = c->max_pulses_per_cell;
    chip->context = soft;
    chip->write_info = write_info;
    chip->program = program;
    chip->total_pulses = total_pulses;
    chip->read_back = read_back;
    chip->array_count = (uint16_t)c->weight_bits;
    chip->array_name = array_name;
    chip->device_full_scale = c->unit_capacitance_farad;
    chip->device_unit = "F";
    chip->mvm = mvm;
    chip->mac_per_code = mac_per_code;
    chip->mac_offset = mac_offset;
    chip->clock_seconds = clock_seconds;
    chip->clock_is_virtual = true;
    chip->clock_advance = clock_advance;
    chip->reseed = NULL;
    return chip;
}
