#include "firmware.h"

#include "hal.h"
#include "requests.h"

/* Static, not on the stack: a part's stack is small, and these are the firmware's largest buffers. */
static aimc_session session;
static aimc_requests requests;
static uint8_t upload[AIMC_OBJECT_BYTES];
static uint8_t response[AIMC_OBJECT_BYTES];

static void write_line(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    aimc_hal_uart_write(bytes, count);
}

static bool random_bytes(void *context, uint8_t *bytes, size_t count)
{
    (void)context;
    return aimc_hal_random(bytes, count);
}

int aimc_firmware_run(void)
{
    const aimc_chip *chip = aimc_hal_chip();
    if (chip == NULL || !aimc_requests_init(&requests, chip)) {
        return 1;
    }
    aimc_identity identity = {AIMC_SESSION_MAX_MINOR,
                              8,
                              AIMC_FRAME_MAX_PAYLOAD,
                              AIMC_FIRMWARE_VERSION,
                              aimc_requests_capabilities(chip),
                              aimc_hal_boot_counter(),
                              AIMC_FIRMWARE_NAME,
                              chip->shape.max_pulses_per_cell,
                              AIMC_FIRMWARE_IDLE_TIMEOUT_MS,
                              AIMC_OBJECT_BYTES};
    aimc_session_attach(&session, upload, sizeof upload, response, sizeof response);
    size_t secret_length = 0;
    const uint8_t *secret = aimc_hal_secret(&secret_length);
    aimc_session_require_secret(&session, secret, secret != NULL ? secret_length : 0, random_bytes, NULL);
    aimc_session_boot(&session, &identity, write_line, aimc_requests_execute, &requests);
    aimc_session_tick(&session, aimc_hal_millis());
    while (aimc_hal_running()) {
        uint8_t byte;
        bool any = false;
        while (aimc_hal_uart_read(&byte)) {
            any = true;
            aimc_session_tick(&session, aimc_hal_millis());
            aimc_session_receive(&session, byte);
        }
        aimc_session_tick(&session, aimc_hal_millis());
        if (!any) {
            aimc_hal_idle();
        }
    }
    return 0;
}
