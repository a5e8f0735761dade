/* The HAL (hal.h) of the cortex-m3 target on QEMU's mps2-an385 board: the CMSDK APB UART0 at 0x40004000 as the
 * serial line (its receive interrupt fills a ring buffer), SysTick as the millisecond clock, a boot counter that
 * survives a warm reset, and the `soft` chip back-end (or none: AIMC_BOARD_NO_CHIP builds the core and this HAL
 * alone, for the footprint; or `tc1`: AIMC_BOARD_TC1, with board_tc1.c). QEMU carries UART0 to a host pseudo-terminal with `-serial pty`. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware.h"
#include "hal.h"
#if !defined(AIMC_BOARD_NO_CHIP) && !defined(AIMC_BOARD_TC1)
#include "soft_chip.h"
#endif

/* CMSDK APB UART: DATA, STATE (TXFULL bit 0, RXFULL bit 1), CTRL (TX_EN 0, RX_EN 1, TX_INTEN 2, RX_INTEN 3),
 * INTSTATUS/INTCLEAR (RX bit 1, write 1 to clear), BAUDDIV (at least 16). */
typedef struct {
    volatile uint32_t data;
    volatile uint32_t state;
    volatile uint32_t ctrl;
    volatile uint32_t intstatus;
    volatile uint32_t bauddiv;
} cmsdk_uart;

#define UART0 ((cmsdk_uart *)0x40004000UL)
#define UART_STATE_TXFULL 0x1U
#define UART_STATE_RXFULL 0x2U
#define UART_CTRL_TX_EN 0x1U
#define UART_CTRL_RX_EN 0x2U
#define UART_CTRL_RX_INTEN 0x8U
#define UART_INT_RX 0x2U

/* SysTick and the NVIC (ARMv7-M system control space). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010UL)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014UL)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018UL)
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100UL)
#define SYST_CSR_ENABLE_TICKINT_CPUCLK 0x7U
/* The AN385's CPU clock; SysTick counts it (CLKSOURCE = 1). */
#define CPU_CLOCK_HZ 25000000U
#define UART0_RX_IRQ 0U

/* Received bytes waiting for the main loop. A power of two, so the indices wrap by masking. When it is full the
 * receive interrupt is switched off and the byte stays in the UART: QEMU then holds the rest back (a part would
 * overrun, and the protocol's CRC and retries recover). */
#define RING_BYTES 256U
static uint8_t ring[RING_BYTES];
static volatile uint32_t ring_head; /* written by the interrupt */
static volatile uint32_t ring_tail; /* written by the main loop */
static volatile uint32_t ticks_ms;

/* Non-volatile in spirit: not zeroed by the reset handler, so a warm reset (SYSRESETREQ, QEMU's system_reset)
 * keeps it; QEMU powers on with RAM zeroed, so the magic word is absent and the count starts again. */
#define BOOT_MAGIC 0x41494D43UL /* "AIMC" */
__attribute__((section(".noinit"))) static uint32_t boot_magic;
__attribute__((section(".noinit"))) static uint32_t boots;
static aimc_reset_cause reset_cause;

void aimc_systick_handler(void)
{
    ticks_ms++;
}

void aimc_uart0_rx_handler(void)
{
    UART0->intstatus = UART_INT_RX;
    while ((UART0->state & UART_STATE_RXFULL) != 0U) {
        uint32_t head = ring_head;
        if (head - ring_tail == RING_BYTES) {
            UART0->ctrl &= ~UART_CTRL_RX_INTEN;
            return;
        }
        ring[head & (RING_BYTES - 1U)] = (uint8_t)UART0->data;
        ring_head = head + 1U;
    }
}

bool aimc_hal_uart_read(uint8_t *byte)
{
    uint32_t tail = ring_tail;
    if (tail != ring_head) {
        *byte = ring[tail & (RING_BYTES - 1U)];
        ring_tail = tail + 1U;
        return true;
    }
    /* The ring is empty. A byte that came while the interrupt was off is still in the UART: take it here, with the
     * interrupt masked so that the handler does not read the same register, and let the interrupt take the rest. */
    bool got = false;
    __asm volatile("cpsid i" ::: "memory");
    if ((UART0->state & UART_STATE_RXFULL) != 0U) {
        *byte = (uint8_t)UART0->data;
        got = true;
    }
    UART0->ctrl |= UART_CTRL_RX_INTEN;
    __asm volatile("cpsie i" ::: "memory");
    return got;
}

void aimc_hal_uart_write(const uint8_t *bytes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        while ((UART0->state & UART_STATE_TXFULL) != 0U) {
        }
        UART0->data = bytes[i];
    }
}

uint32_t aimc_hal_millis(void)
{
    return ticks_ms;
}

aimc_reset_cause aimc_hal_reset_cause(void)
{
    return reset_cause;
}

uint32_t aimc_hal_boot_counter(void)
{
    if (boot_magic != BOOT_MAGIC) {
        boot_magic = BOOT_MAGIC;
        boots = 0;
        reset_cause = AIMC_RESET_POWER_ON;
    } else {
        reset_cause = AIMC_RESET_OTHER;
    }
    boots++;
    return boots;
}

#if defined(AIMC_BOARD_TC1)
/* The tc1 back-end: aimc_hal_chip and the TC1 functions are in board_tc1.c. */
#elif defined(AIMC_BOARD_NO_CHIP)
/* No chip back-end: the loop does not start. This build exists to measure the core and this HAL alone. */
const aimc_chip *aimc_hal_chip(void)
{
    return NULL;
}
#else
static aimc_soft_chip soft;

const aimc_chip *aimc_hal_chip(void)
{
    char why[96];
    aimc_soft_config config = aimc_soft_default_config();
    return aimc_soft_chip_init(&soft, &config, why, sizeof why);
}
#endif

bool aimc_hal_running(void)
{
    return true;
}

/* No AUTH on this board: the mps2-an385 has no true random number generator and QEMU models none, and a challenge
 * from a counter or a seeded PRNG is guessable, so a recorded answer could be replayed after the next boot, which is
 * what the challenge is there to prevent. The QEMU image is a loopback rig, which PROTOCOL.md 5.2 lets go without a
 * secret. A part that serves AUTH returns its provisioned secret here and fills aimc_hal_random from its TRNG (an
 * STM32's RNG, an nRF's RNG peripheral, a secure element). */
const uint8_t *aimc_hal_secret(size_t *length)
{
    *length = 0;
    return NULL;
}

bool aimc_hal_random(uint8_t *bytes, size_t count)
{
    (void)bytes;
    (void)count;
    return false;
}

/* Sleeps until the next interrupt (a received byte or the 1 ms tick). Interrupts are masked while the ring is
 * checked, so a byte arriving in between still wakes the WFI. */
void aimc_hal_idle(void)
{
    __asm volatile("cpsid i" ::: "memory");
    if (ring_tail == ring_head && (UART0->state & UART_STATE_RXFULL) == 0U) {
        __asm volatile("wfi");
    }
    __asm volatile("cpsie i" ::: "memory");
}

/* newlib's number conversions (dtoa and strtod, in the NAK messages' number formatting) take small blocks through
 * malloc; they come from the linker script's .heap, bounded. The core itself allocates nothing. */
extern uint8_t _heap_start, _heap_end;
void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    static uint8_t *brk = &_heap_start;
    if (increment < 0 || (size_t)increment > (size_t)(&_heap_end - brk)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    uint8_t *previous = brk;
    brk += increment;
    return previous;
}

int main(void)
{
    UART0->bauddiv = 16U;
    UART0->ctrl = UART_CTRL_TX_EN | UART_CTRL_RX_EN | UART_CTRL_RX_INTEN;
    NVIC_ISER0 = 1UL << UART0_RX_IRQ;
    SYST_RVR = CPU_CLOCK_HZ / 1000U - 1U;
    SYST_CVR = 0U;
    SYST_CSR = SYST_CSR_ENABLE_TICKINT_CPUCLK;
    return aimc_firmware_run();
}
