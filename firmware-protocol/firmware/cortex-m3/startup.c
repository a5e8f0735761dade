/* Startup code of the cortex-m3 target: the vector table at 0x0 and the reset handler, which copies .data from the
 * image, zeroes .bss and calls main. No C library start files are linked (-nostartfiles). */
#include <stdint.h>

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_bottom, _stack_top;

/* Every word of the stack below the reset handler's frame starts as this, so the deepest word written since is the
 * stack's high-water mark (the QEMU tests read it through the monitor). */
#define AIMC_STACK_PAINT 0x5AC4DEADUL

int main(void);
void aimc_reset_handler(void);
void aimc_systick_handler(void);
void aimc_uart0_rx_handler(void);

/* An unexpected exception or interrupt stops here, where a debugger finds it (a part would let the watchdog reset). */
static void halt(void)
{
    for (;;) {
        __asm volatile("bkpt #0");
    }
}

void aimc_reset_handler(void)
{
    uint32_t *from = &_data_load;
    for (uint32_t *to = &_data_start; to < &_data_end;) {
        *to++ = *from++;
    }
    for (uint32_t *to = &_bss_start; to < &_bss_end;) {
        *to++ = 0;
    }
    uint32_t *sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *to = &_stack_bottom; to < sp - 16;) {
        *to++ = AIMC_STACK_PAINT;
    }
    (void)main();
    halt();
}

typedef void (*aimc_vector)(void);

/* 16 system exceptions, then the external interrupts of mps2-an385 up to UART0 RX (IRQ 0) and its neighbours. */
__attribute__((section(".vectors"), used)) static const aimc_vector vectors[16 + 32] = {
    [0] = (aimc_vector)(uintptr_t)&_stack_top,
    [1] = aimc_reset_handler,
    [2] = halt, /* NMI */
    [3] = halt, /* HardFault */
    [4] = halt, /* MemManage */
    [5] = halt, /* BusFault */
    [6] = halt, /* UsageFault */
    [11] = halt, /* SVCall */
    [14] = halt, /* PendSV */
    [15] = aimc_systick_handler,
    [16 + 0] = aimc_uart0_rx_handler,
};
