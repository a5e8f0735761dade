/* The requests of PROTOCOL.md section 6 on a chip back-end (chip.h): GET_INFO (AUTH is the session's, session.h),
 * PROGRAM, READBACK, PROGRAM_CELLS, MVM, MVM_PACKED, CLOCK_GET, CLOCK_ADVANCE and RESEED, with the checks and NAK
 * codes of the C# DeviceServer: BAD_PAYLOAD for a payload off its layout, CHIP for a user error in the chip's words,
 * ARGUMENT for a mask of the wrong shape, TOO_LARGE for a batch or answer beyond the limits, UNSUPPORTED, and
 * UNKNOWN_OPCODE. It is the session's executor (aimc_execute_fn). */
#ifndef AIMC_REQUESTS_H
#define AIMC_REQUESTS_H

#include <stdint.h>

#include "chip.h"

/* The largest tile the request layer serves: one input vector and one output vector are held at a time. */
#ifndef AIMC_CHIP_MAX_ROWS
#define AIMC_CHIP_MAX_ROWS 256
#endif
#ifndef AIMC_CHIP_MAX_COLS
#define AIMC_CHIP_MAX_COLS 256
#endif

/* PROTOCOL.md 5.1: an MVM of more input vectors is NAKed TOO_LARGE. */
#define AIMC_MAX_MVM_BATCH 65536

enum {
    AIMC_OPCODE_GET_INFO = 0x0002,
    AIMC_OPCODE_AUTH = 0x0003,
    AIMC_OPCODE_PROGRAM = 0x0010,
    AIMC_OPCODE_READBACK = 0x0011,
    AIMC_OPCODE_MVM = 0x0020,
    AIMC_OPCODE_CLOCK_GET = 0x0030,
    AIMC_OPCODE_CLOCK_ADVANCE = 0x0031,
    AIMC_OPCODE_RESEED = 0x0040
};

typedef struct {
    const aimc_chip *chip;
    int32_t inputs[AIMC_CHIP_MAX_ROWS];  /* the input vector being computed */
    int32_t outputs[AIMC_CHIP_MAX_COLS]; /* its output codes */
} aimc_requests;

/* Binds the request layer to a chip; false when the chip is larger than this build serves. */
bool aimc_requests_init(aimc_requests *requests, const aimc_chip *chip);

/* The executor: context is an aimc_requests. */
uint32_t aimc_requests_execute(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                               uint8_t *answer, uint32_t capacity, uint8_t *kind);

/* The capabilities of HELLO this chip has (RESEED, VIRTUAL_CLOCK). */
uint32_t aimc_requests_capabilities(const aimc_chip *chip);

#endif
