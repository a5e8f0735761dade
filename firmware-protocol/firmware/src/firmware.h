/* The firmware's main loop on the HAL (hal.h): boots the session with the chip's request layer, then feeds it every
 * received byte and the clock until aimc_hal_running() says stop. */
#ifndef AIMC_FIRMWARE_H
#define AIMC_FIRMWARE_H

#include <stdint.h>

#include "session.h"

/* Bulk objects this build holds, each way (the request being uploaded, the answer being downloaded): HELLO's
 * max_object_bytes. */
#ifndef AIMC_OBJECT_BYTES
#define AIMC_OBJECT_BYTES 32768U
#endif

#define AIMC_FIRMWARE_NAME "aimc-hil C reference firmware"
#define AIMC_FIRMWARE_VERSION 0x000100U /* 0.1.0 */
/* PROTOCOL.md 5.1: a host that sends no complete frame for this long is dropped. */
#ifndef AIMC_FIRMWARE_IDLE_TIMEOUT_MS
#define AIMC_FIRMWARE_IDLE_TIMEOUT_MS 60000U
#endif

/* Runs the firmware; returns 0 when stopped, 1 when the chip failed to start. */
int aimc_firmware_run(void);

#endif
