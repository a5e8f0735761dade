/* The `host` target: the firmware on Linux, serving the session on a new pseudo-terminal with the `soft` chip, for
 * tests and for a bench with no MCU. Prints the pty's path as its first stdout line (as `aimc emulate --pty` does),
 * then serves until SIGTERM or SIGINT and exits 0. With --secret-file every host must prove it holds the secret
 * (AUTH, PROTOCOL.md 5.2). This file is the HAL (hal.h) for Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
/* --secret-file: the shared secret, less its trailing line end; secret_length 0: none. */
#define SECRET_MAX_BYTES 4096
static uint8_t secret[SECRET_MAX_BYTES + 2];
static size_t secret_length;

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

const uint8_t *aimc_hal_secret(size_t *length)
{
    *length = secret_length;
    return secret_length > 0 ? secret : NULL;
}

bool aimc_hal_random(uint8_t *bytes, size_t count)
{
    int source = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (source < 0) {
        return false;
    }
    size_t done = 0;
    while (done < count) {
        ssize_t n = read(source, bytes + done, count - done);
        if (n <= 0 && !(n < 0 && errno == EINTR)) {
            break;
        }
        done += n > 0 ? (size_t)n : 0U;
    }
    close(source);
    return done == count;
}

static int usage(void)
{
    fprintf(stderr, "usage: aimc-firmware-host [--boot-counter N] [--pace-baud N] [--secret-file PATH]\n");
    return 2;
}

/* PATH as .NET's Path.GetFullPath spells it (absolute, "." and ".." segments and repeated slashes resolved, no
 * symbolic link followed), so the errors name the file as `aimc emulate --secret-file` does. False when it does not
 * fit out. */
static bool full_path(const char *path, char *out, size_t capacity)
{
    char joined[4096];
    int written;
    if (path[0] == '/') {
        written = snprintf(joined, sizeof joined, "%s", path);
    } else {
        char here[2048];
        if (getcwd(here, sizeof here) == NULL) {
            return false;
        }
        written = snprintf(joined, sizeof joined, "%s/%s", here, path);
    }
    if (written < 0 || (size_t)written >= sizeof joined || capacity < 2) {
        return false;
    }
    size_t length = 0; /* out holds "/a/b" without a trailing slash; "" is the root */
    for (const char *at = joined; *at != '\0';) {
        while (*at == '/') {
            at++;
        }
        const char *end = at;
        while (*end != '\0' && *end != '/') {
            end++;
        }
        size_t segment = (size_t)(end - at);
        if (segment == 0 || (segment == 1 && at[0] == '.')) {
            /* nothing */
        } else if (segment == 2 && at[0] == '.' && at[1] == '.') {
            while (length > 0 && out[length - 1] != '/') {
                length--;
            }
            length = length > 0 ? length - 1 : 0;
        } else {
            if (length + 1 + segment >= capacity) {
                return false;
            }
            out[length++] = '/';
            memcpy(out + length, at, segment);
            length += segment;
        }
        at = end;
    }
    if (length == 0) {
        out[length++] = '/';
    }
    /* GetFullPath keeps a trailing separator. */
    if (joined[strlen(joined) - 1] == '/' && out[length - 1] != '/') {
        if (length + 1 >= capacity) {
            return false;
        }
        out[length++] = '/';
    }
    out[length] = '\0';
    return true;
}

/* Reads the shared secret as `aimc emulate --secret-file` does (AimcHil.Protocol.SharedSecret): the file's bytes
 * less any trailing CR and LF bytes, refused when it is a directory, missing, readable or writable by group or others,
 * or empty; the refusal is one line for the user in why. */
static bool read_secret(const char *path, char *why, size_t capacity)
{
    char full[2048];
    if (!full_path(path, full, sizeof full)) {
        snprintf(why, capacity, "%s: the secret file's path is too long", path);
        return false;
    }
    struct stat status;
    if (stat(full, &status) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            snprintf(why, capacity,
                     "%s: no such secret file; create one readable only by you, e.g. head -c 32 /dev/urandom | base64 > "
                     "%s && chmod 600 %s",
                     full, path, path);
        } else {
            snprintf(why, capacity, "%s: cannot read the secret file: %s", full, strerror(errno));
        }
        return false;
    }
    if (S_ISDIR(status.st_mode)) {
        snprintf(why, capacity, "%s: is a directory, not a secret file; name a file holding the shared secret", full);
        return false;
    }
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(why, capacity, "%s: the secret file may be read by other users; make it private: chmod 600 %s", full,
                 path);
        return false;
    }
    int file = open(full, O_RDONLY | O_CLOEXEC);
    if (file < 0) {
        snprintf(why, capacity, "%s: cannot read the secret file: %s", full, strerror(errno));
        return false;
    }
    size_t length = 0;
    for (;;) {
        ssize_t n = read(file, secret + length, sizeof secret - length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            snprintf(why, capacity, "%s: cannot read the secret file: %s", full, strerror(errno));
            close(file);
            return false;
        }
        length += (size_t)n;
        if (n == 0 || length == sizeof secret) {
            break;
        }
    }
    uint8_t beyond;
    bool larger = length == sizeof secret && read(file, &beyond, 1) == 1; /* its line end trimmed, still too long */
    close(file);
    while (length > 0 && (secret[length - 1] == '\n' || secret[length - 1] == '\r')) {
        length--;
    }
    if (larger || length > SECRET_MAX_BYTES) {
        snprintf(why, capacity, "%s: the secret file holds more than %d bytes; a secret of 32 random bytes is enough, "
                 "e.g. head -c 32 /dev/urandom | base64 > %s", full, SECRET_MAX_BYTES, path);
        return false;
    }
    if (length == 0) {
        snprintf(why, capacity,
                 "%s: the secret file is empty; put a long random secret in it, e.g. head -c 32 /dev/urandom | base64 > "
                 "%s",
                 full, path);
        return false;
    }
    secret_length = length;
    return true;
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
        } else if (strcmp(argv[i], "--secret-file") == 0 && i + 1 < argc) {
            char why[8192];
            if (!read_secret(argv[++i], why, sizeof why)) {
                fprintf(stderr, "aimc-firmware-host: error: %s\n", why);
                return 2;
            }
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
