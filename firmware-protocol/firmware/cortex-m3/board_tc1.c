/* The TC1 half of the HAL (hal.h) on the mps2-an385 board, for the `tc1` image: what a bridge wired to a TC1 runs.
 * - TC1's register bus on the PL022 SPI controller at 0x40025000 (the board's shield SPI), 8-bit frames, mode 0;
 *   chip selects are GPIO pins driven by hand, so one transaction is one chip-select assertion however long it is;
 * - START and DONE, and the chip selects, on CMSDK AHB GPIO0 at 0x40010000: DONE's rising edge is latched in the
 *   port's INTSTATUS (edge, rising; the NVIC line stays off, so nothing interrupts) and polled;
 * - the word lines through AD5676 DACs (8 channels, 16 bit, 2.5 V, inputs 1.25 +- 1.25 V) and the column outputs
 *   through MCP3008 ADCs (8 channels, 10 bit, 3.3 V, buffers 1.65 +- 1.65 V), on the same SPI controller: the wiring
 *   of hil-rigs/direct-emulated.yaml with an MCP3008 read-out.
 * QEMU models the PL022 but wires nothing to it and leaves the GPIO unimplemented, so under QEMU no TC1 answers its ID
 * and the image does not serve; it is built for the footprint and as the example a bench builder ports. */
#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "tc1_chip.h"

/* PrimeCell PL022: CR0 (DSS 3:0 = bits - 1, FRF 5:4, SPO 6, SPH 7, SCR 15:8), CR1 (SSE bit 1), DR, SR (TNF bit 1,
 * RNE bit 2), CPSR (even prescaler 2..254). SSPCLK is the 25 MHz peripheral clock: 25 MHz / (2 * (1 + 1)) = 6.25 MHz. */
typedef struct {
    volatile uint32_t cr0, cr1, dr, sr, cpsr;
} pl022;
#define SPI ((pl022 *)0x40025000UL)
#define SPI_SR_TNF 0x2U
#define SPI_SR_RNE 0x4U

/* CMSDK AHB GPIO: DATA (input levels), DATAOUT, OUTENSET, INTENSET, INTTYPESET (1: edge), INTPOLSET (1: rising),
 * INTSTATUS/INTCLEAR (write 1 to clear). */
#define GPIO0_BASE 0x40010000UL
#define GPIO_REG(offset) (*(volatile uint32_t *)(GPIO0_BASE + (offset)))
#define GPIO_DATAOUT GPIO_REG(0x004)
#define GPIO_OUTENSET GPIO_REG(0x010)
#define GPIO_INTENSET GPIO_REG(0x020)
#define GPIO_INTTYPESET GPIO_REG(0x028)
#define GPIO_INTPOLSET GPIO_REG(0x030)
#define GPIO_INTSTATUS GPIO_REG(0x038)

/* Pins of GPIO0: chip selects (active low), START (out) and DONE (in). */
enum { PIN_TC1_CS = 0, PIN_START = 1, PIN_DONE = 2, PIN_DAC_CS0 = 3, PIN_ADC_CS0 = 7 };
#define DAC_PARTS 4 /* 32 word lines */
#define ADC_PARTS 2 /* 16 columns */
#define CHANNELS 8

static void pin_write(uint32_t pin, bool high)
{
    if (high) {
        GPIO_DATAOUT |= 1U << pin;
    } else {
        GPIO_DATAOUT &= ~(1U << pin);
    }
}

static uint8_t exchange(uint8_t byte)
{
    while ((SPI->sr & SPI_SR_TNF) == 0U) {
    }
    SPI->dr = byte;
    while ((SPI->sr & SPI_SR_RNE) == 0U) {
    }
    return (uint8_t)SPI->dr;
}

/* One chip-select assertion on the pin; rx may be NULL or equal to tx. */
static void transfer(uint32_t cs_pin, const uint8_t *tx, uint8_t *rx, size_t count)
{
    pin_write(cs_pin, false);
    for (size_t i = 0; i < count; i++) {
        uint8_t in = exchange(tx[i]);
        if (rx != NULL) {
            rx[i] = in;
        }
    }
    pin_write(cs_pin, true);
}

static void bus_start(void)
{
    uint32_t selects = (1U << PIN_TC1_CS) | (((1U << DAC_PARTS) - 1U) << PIN_DAC_CS0) | (((1U << ADC_PARTS) - 1U) << PIN_ADC_CS0);
    GPIO_DATAOUT = selects; /* every chip select high (idle), START low */
    GPIO_OUTENSET = selects | (1U << PIN_START);
    GPIO_INTTYPESET = 1U << PIN_DONE;
    GPIO_INTPOLSET = 1U << PIN_DONE;
    GPIO_INTENSET = 1U << PIN_DONE;
    GPIO_INTSTATUS = 1U << PIN_DONE;
    SPI->cr1 = 0;
    SPI->cpsr = 2;
    SPI->cr0 = (1U << 8) | 7U; /* SCR 1, mode 0, Motorola, 8 bits */
    SPI->cr1 = 0x2U;
}

void aimc_hal_spi_transfer(const uint8_t *tx, uint8_t *rx, size_t count)
{
    transfer(PIN_TC1_CS, tx, rx, count);
}

void aimc_hal_start_write(bool high)
{
    pin_write(PIN_START, high);
}

bool aimc_hal_done_wait(uint32_t timeout_ms)
{
    uint32_t start = aimc_hal_millis();
    while ((GPIO_INTSTATUS & (1U << PIN_DONE)) == 0U) {
        if (aimc_hal_millis() - start >= timeout_ms) {
            return false;
        }
    }
    GPIO_INTSTATUS = 1U << PIN_DONE;
    return true;
}

/* AD5676 "write and update channel n" (command 3): 0x3n, code high, code low; code = (1.25 + x / x_max * 1.25 V) /
 * 2.5 V * 65536, rounded, at most 65535. */
void aimc_hal_word_lines_write(const int32_t *codes, int32_t count)
{
    static const int32_t x_max = 127;
    for (int32_t i = 0; i < count && i < DAC_PARTS * CHANNELS; i++) {
        int32_t code = 32768 + (int32_t)((codes[i] * 65536 + (codes[i] >= 0 ? x_max : -x_max)) / (2 * x_max));
        code = code > 65535 ? 65535 : code < 0 ? 0 : code;
        uint8_t frame[3] = {(uint8_t)(0x30U | (uint32_t)(i % CHANNELS)), (uint8_t)(code >> 8), (uint8_t)code};
        transfer(PIN_DAC_CS0 + (uint32_t)(i / CHANNELS), frame, NULL, sizeof frame);
    }
}

/* MCP3008 single-ended read of channel n: 01, 8n << 4, 00; the 10-bit code is the low 2 bits of the second byte
 * and the third. */
void aimc_hal_columns_read(int32_t *codes, int32_t count)
{
    for (int32_t j = 0; j < count; j++) {
        uint8_t frame[3] = {0x01, (uint8_t)(0x80U | ((uint32_t)(j % CHANNELS) << 4)), 0x00};
        if (j < ADC_PARTS * CHANNELS) {
            transfer(PIN_ADC_CS0 + (uint32_t)(j / CHANNELS), frame, frame, sizeof frame);
            codes[j] = ((frame[1] & 0x3) << 8) | frame[2];
        } else {
            codes[j] = 0;
        }
    }
}

static aimc_tc1_chip tc1;

const aimc_chip *aimc_hal_chip(void)
{
    bus_start();
    /* The MCP3008's codes 0 and 1023 are its rails; one code is 3.3 V / 1024 of the buffers' 1.65 V half span. */
    aimc_tc1_config config = {
        .name = "tc1",
        .domain = 0,
        .device = 1,
        .differential_pair = true,
        .adc_bits = 10,
        .adc_code_min = 0,
        .adc_code_max = 1023,
        .code_rail_low = 0,
        .code_rail_high = 1023,
        .mac_per_code = 8.0 / 512.0,
        .mac_offset = -8.0,
        .input_half_span_volts = 1.25,
        .output_half_span_volts = 1.65,
        .mac_full_scale = 8.0,
        .done_timeout_ms = 100,
        .max_pulses_per_cell = 100,
    };
    char why[160];
    return aimc_tc1_chip_init(&tc1, &config, why, sizeof why);
}
