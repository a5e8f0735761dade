/* The hardware abstraction a bench builder implements to run this firmware on a part: the serial line, a clock, the
 * boot counter and reset cause, and the chip back-end (chip.h; `soft` is soft_chip.h). Everything above it
 * (framing, session, requests) is portable C11 with no allocation. firmware.c's aimc_firmware_run is the main loop
 * built on these functions. */
#ifndef AIMC_HAL_H
#define AIMC_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chip.h"

/* Why the part (re)started, for the log line a bench builder prints; the protocol itself needs only the counter. */
typedef enum {
    AIMC_RESET_POWER_ON = 0,
    AIMC_RESET_PIN,      /* the reset pin or a debugger */
    AIMC_RESET_WATCHDOG, /* the watchdog fired: the firmware hung */
    AIMC_RESET_SOFTWARE, /* the firmware asked for it */
    AIMC_RESET_BROWNOUT,
    AIMC_RESET_OTHER
} aimc_reset_cause;

/* One received byte into *byte, true; false at once when none is waiting (the loop polls; never blocks long). */
bool aimc_hal_uart_read(uint8_t *byte);
/* Writes bytes to the line, returning when they are queued or sent. */
void aimc_hal_uart_write(const uint8_t *bytes, size_t count);
/* Milliseconds since boot, wrapping at 2^32 (the idle timeout uses differences only). */
uint32_t aimc_hal_millis(void);
/* Why the part started. */
aimc_reset_cause aimc_hal_reset_cause(void);
/* Increments the boot counter in non-volatile memory and returns the new value (PROTOCOL.md section 5). */
uint32_t aimc_hal_boot_counter(void);
/* The chip back-end this firmware serves; NULL when it failed to start (the loop then does not run). */
const aimc_chip *aimc_hal_chip(void);
/* Whether the loop should go on (a host build stops on SIGTERM; a part returns true forever). */
bool aimc_hal_running(void);
/* Waits for input or a few milliseconds when the line is quiet (a part may sleep until an interrupt). */
void aimc_hal_idle(void);
/* The shared secret every host must prove it holds (PROTOCOL.md 5.2) and its length, or NULL for none (no AUTH). It
 * stays valid while the firmware runs. A part keeps it where the firmware image does not carry it (a provisioned
 * flash page, a secure element), never in the source. */
const uint8_t *aimc_hal_secret(size_t *length);
/* Fills bytes with count unpredictable bytes for AUTH's challenge, from a true random source: a part's TRNG (a
 * counter, the clock or a seeded PRNG is guessable, and a guessable challenge lets a recorded answer be replayed),
 * /dev/urandom on Linux. False when there is none: every HELLO that needs a challenge is then NAKed INTERNAL. Called
 * only when aimc_hal_secret gives a secret. */
bool aimc_hal_random(uint8_t *bytes, size_t count);

/* The `tc1` back-end (tc1_chip.h) on a bridge wired to a TC1 (hil-rigs/direct-tc1.md); a build without it needs none
 * of these. */
/* One transaction on TC1's register bus (SPI mode 0, MSB first, up to 10 MHz): chip select asserted, count bytes of
 * tx clocked out while count bytes are clocked into rx, chip select released. rx may be NULL (discard what comes in)
 * or equal to tx (in place: each byte is sent before its place is overwritten). */
void aimc_hal_spi_transfer(const uint8_t *tx, uint8_t *rx, size_t count);
/* Drives the START line (an output): a rising edge makes the chip sample its word lines and compute. */
void aimc_hal_start_write(bool high);
/* Waits for a rising edge of the DONE line (an input), at most timeout_ms; an edge that came after the last call
 * returned counts (the chip may finish before the wait begins). False on timeout. */
bool aimc_hal_done_wait(uint32_t timeout_ms);
/* Puts count signed input codes on the word lines (the board's DACs: code x is mid + x / x_max * half span volts). */
void aimc_hal_word_lines_write(const int32_t *codes, int32_t count);
/* Reads count column outputs as codes (the board's ADCs); TC1 has no ADC of its own. */
void aimc_hal_columns_read(int32_t *codes, int32_t count);

#endif
