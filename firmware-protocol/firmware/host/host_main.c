/* The `host` target: the firmware on Linux, serving the session on a new pseudo-terminal with the `soft` chip, for
 * tests and for a bench with no MCU. Prints the pty's path as its first stdout line (as `aimc emulate --pty` does),
 * then serves until SIGTERM or SIGINT and exits 0. This file is the HAL (hal.h) for Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "firmware.h"
#include "hal.h"
#include "soft_chip.h"

static int line = -1;
static volatile sig_atomic_t stop = 0;
static aimc_soft_chip soft;
static const aimc_chip *chip;
static struct timespec started;
static uint32_t boots;
/* When the host side of the pty is closed, reads fail with EIO until a host opens it again. */
static int hangups;

/* --pace-baud: the line carries bytes no faster than an 8N1 UART at this rate, each direction on its own absolute
 * schedule (as the C# virtual rig's PacedStream), so `aimc bench link` measures line utilization against it. 0: as
 * fast as the pty goes. Received bytes are stamped when the loop reads them off the pty, so bytes that came while the
 * firmware was busy sending are charged from then (PacedStream stamps them on arrival, with a thread of its own). */
static double seconds_per_byte;
static double tx_free_at;
static uint8_t rx_chunk[256];
static size_t rx_count, rx_taken;
static double rx_start_at; /* when the chunk's first byte starts to arrive */
static double rx_free_at;

static double now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - started.tv_sec) + (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

static void sleep_until(double at)
{
    double wait = at - now_seconds();
    if (wait > 0) {
        struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&pause, NULL);
    }
}

/* When the next received byte of the paced line arrives, or 0 when none is held. */
static double rx_next_arrival(void)
{
    return rx_taken < rx_count ? rx_start_at + (double)(rx_taken + 1U) * seconds_per_byte : 0;
}

static void on_signal(int signal_number)
{
    (void)signal_number;
    stop = 1;
}

static bool paced_read(uint8_t *byte)
{
    if (rx_taken == rx_count) {
        ssize_t n = read(line, rx_chunk, sizeof rx_chunk);
        if (n <= 0) {
            if (n < 0 && errno == EIO) {
                hangups++;
            }
            return false;
        }
        hangups = 0;
        double now = now_seconds();
        rx_start_at = now > rx_free_at ? now : rx_free_at;
        rx_count = (size_t)n;
        rx_taken = 0;
        rx_free_at = rx_start_at + (double)n * seconds_per_byte;
    }
    if (now_seconds() < rx_next_arrival()) {
        return false;
    }
    *byte = rx_chunk[rx_taken++];
    return true;
}

bool aimc_hal_uart_read(uint8_t *byte)
{
    if (seconds_per_byte > 0) {
        return paced_read(byte);
    }
    ssize_t n = read(line, byte, 1);
    if (n == 1) {
        hangups = 0;
        return true;
    }
    if (n < 0 && errno == EIO) {
        hangups++;
    }
    return false;
}

/* A UART never waits for its reader; a pty does, once its buffer is full. A host that reads nothing for the idle
 * timeout (PROTOCOL.md 5.1) has gone: the rest of the answer is dropped, as on a line with nothing attached. */
static void write_now(const uint8_t *bytes, size_t count);

/* Paced: the bytes go on a chunk at a time, each when its last bit would have left the UART. */
void aimc_hal_uart_write(const uint8_t *bytes, size_t count)
{
    if (seconds_per_byte <= 0) {
        write_now(bytes, count);
        return;
    }
    for (size_t done = 0; done < count && !stop;) {
        size_t chunk = count - done < 256U ? count - done : 256U;
        double now = now_seconds();
        tx_free_at = (now > tx_free_at ? now : tx_free_at) + (double)chunk * seconds_per_byte;
        sleep_until(tx_free_at);
        write_now(bytes + done, chunk);
        done += chunk;
    }
}

static void write_now(const uint8_t *bytes, size_t count)
{
    size_t done = 0;
    uint32_t progress_ms = aimc_hal_millis();
    while (done < count && !stop) {
        ssize_t n = write(line, bytes + done, count - done);
        if (n > 0) {
            done += (size_t)n;
            progress_ms = aimc_hal_millis();
        } else if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
                   (uint32_t)(aimc_hal_millis() - progress_ms) >= AIMC_FIRMWARE_IDLE_TIMEOUT_MS) {
            return;
        } else {
            struct pollfd wait = {line, POLLOUT, 0};
            (void)poll(&wait, 1, 10);
        }
    }
}

uint32_t aimc_hal_millis(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000;
    return (uint32_t)ms;
}

aimc_reset_cause aimc_hal_reset_cause(void)
{
    return AIMC_RESET_POWER_ON;
}

uint32_t aimc_hal_boot_counter(void)
{
    return boots;
}

const aimc_chip *aimc_hal_chip(void)
{
    return chip;
}

bool aimc_hal_running(void)
{
    return !stop;
}

void aimc_hal_idle(void)
{
    if (rx_taken < rx_count) {
        /* Paced: the next byte is held until the line would have carried it. */
        sleep_until(rx_next_arrival());
        return;
    }
    struct pollfd wait = {line, POLLIN, 0};
    if (hangups > 0) {
        /* Nobody holds the other end: POLLHUP would wake us at once, so sleep instead. */
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
        return;
    }
    (void)poll(&wait, 1, 20);
}

static int usage(void)
{
    fprintf(stderr, "usage: aimc-firmware-host [--boot-counter N] [--pace-baud N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    boots = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--boot-counter") == 0 && i + 1 < argc) {
            char *end;
            unsigned long value = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || value > 0xFFFFFFFFUL) {
                return usage();
            }
            boots = (uint32_t)value;
        } else if (strcmp(argv[i], "--pace-baud") == 0 && i + 1 < argc) {
            char *end;
            unsigned long baud = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || baud == 0 || baud > 100000000UL) {
                return usage();
            }
            seconds_per_byte = 10.0 / (double)baud;
        } else {
            return usage();
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &started);
    char why[160];
    aimc_soft_config config = aimc_soft_default_config();
    chip = aimc_soft_chip_init(&soft, &config, why, sizeof why);
    if (chip == NULL) {
        fprintf(stderr, "aimc-firmware-host: error: %s\n", why);
        return 1;
    }

    line = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (line < 0 || grantpt(line) != 0 || unlockpt(line) != 0) {
        fprintf(stderr, "aimc-firmware-host: error: cannot open a pseudo-terminal: %s\n", strerror(errno));
        return 1;
    }
    const char *path = ptsname(line);
    if (path == NULL) {
        fprintf(stderr, "aimc-firmware-host: error: the pseudo-terminal has no name: %s\n", strerror(errno));
        return 1;
    }
    /* Raw on our side as well: no echo, no line discipline, every byte as it is. */
    int peer = open(path, O_RDWR | O_NOCTTY);
    if (peer >= 0) {
        struct termios raw;
        if (tcgetattr(peer, &raw) == 0) {
            cfmakeraw(&raw);
            tcsetattr(peer, TCSANOW, &raw);
        }
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    printf("%s\n", path);
    fflush(stdout);
    int status = aimc_firmware_run();
    if (peer >= 0) {
        close(peer);
    }
    close(line);
    return status;
}
