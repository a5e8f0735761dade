/* The device side of PROTOCOL.md sections 4, 5 and 8: HELLO (version check, negotiation of minor, window and max
 * payload, the 1.0/1.1/1.2 answer layouts), NAK HELLO_REQUIRED before it, the BOOT event, the response cache that
 * answers a retried request byte for byte without executing it again, ACK WORKING before a long request, bulk
 * uploads (BEGIN, DATA, COMMIT) and downloads (RSP BEGIN, then DATA on every ACK), the idle timeout, and AUTH
 * (section 5.2): with a shared secret (aimc_session_require_secret) HELLO carries capability AUTH and a fresh
 * challenge, and nothing but HELLO is served until the host answers it; without one AUTH is NAKed UNSUPPORTED and
 * not advertised. Requests go to an executor the firmware supplies (requests.h); the 1.2 opcodes in a session below
 * 1.2 are NAKed UNKNOWN_OPCODE here. */
#ifndef AIMC_SESSION_H
#define AIMC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* Opcodes the session itself handles (PROTOCOL.md section 6). */
enum {
    AIMC_OPCODE_HELLO = 0x0001,
    AIMC_OPCODE_PROGRAM_CELLS = 0x0012, /* 1.2 */
    AIMC_OPCODE_MVM_PACKED = 0x0021,    /* 1.2 */
    AIMC_OPCODE_BOOT = 0x00F0
};

/* NAK codes (PROTOCOL.md section 7). */
enum {
    AIMC_NAK_UNKNOWN_OPCODE = 0x0001,
    AIMC_NAK_BAD_PAYLOAD = 0x0002,
    AIMC_NAK_UNSUPPORTED = 0x0003,
    AIMC_NAK_HELLO_REQUIRED = 0x0004,
    AIMC_NAK_VERSION = 0x0005,
    AIMC_NAK_TOO_LARGE = 0x0006,
    AIMC_NAK_TRANSFER = 0x0007,
    AIMC_NAK_CHIP = 0x0008,
    AIMC_NAK_ARGUMENT = 0x0009,
    AIMC_NAK_INTERNAL = 0x000A,
    AIMC_NAK_AUTH = 0x000C
};

/* Payloads the session writes itself (NAKs, HELLO, ACKs, descriptors) are built in a buffer of this size. */
#define AIMC_SESSION_SMALL_PAYLOAD 256U

/* AUTH (PROTOCOL.md 5.2): the challenge and host nonce, and the HMAC-SHA256 answer and proof, are 32 bytes each. */
#define AIMC_AUTH_NONCE_BYTES 32U
#define AIMC_AUTH_MAC_BYTES 32U

/* HELLO capability bits (PROTOCOL.md section 5). */
enum {
    AIMC_CAP_RESEED = 1U << 0,
    AIMC_CAP_VIRTUAL_CLOCK = 1U << 1,
    AIMC_CAP_LIMITS = 1U << 2,
    AIMC_CAP_AUTH = 1U << 3
};

/* The newest minor this code speaks (1.2). */
#define AIMC_SESSION_MAX_MINOR 2U

/* How the firmware presents itself in its HELLO answer. */
typedef struct {
    uint8_t max_minor;         /* the highest minor spoken (<= AIMC_SESSION_MAX_MINOR); the answer's minor */
    uint16_t window;           /* DATA frames in flight offered; the smaller of this and the host's is used */
    uint32_t max_payload;      /* offered; clamped to 64 .. AIMC_FRAME_MAX_PAYLOAD, then the smaller one is used */
    uint32_t firmware_version; /* major << 16 | minor << 8 | patch */
    uint32_t capabilities;     /* RESEED, VIRTUAL_CLOCK; the session adds LIMITS for hosts of 1.1 and later */
    uint32_t boot_counter;     /* from non-volatile memory, incremented at every boot */
    const char *firmware;      /* a name for people */
    uint32_t max_pulses_per_cell, idle_timeout_ms, max_object_bytes; /* the limits of section 5.1 */
} aimc_identity;

/* Writes bytes to the line (a UART, a pty). */
typedef void (*aimc_write_fn)(void *context, const uint8_t *bytes, size_t count);

/* Fills bytes with count unpredictable bytes (a TRNG, /dev/urandom) for AUTH's challenge; false when it cannot (the
 * HELLO is then NAKed INTERNAL: a guessable challenge would let a recorded answer be replayed). */
typedef bool (*aimc_random_fn)(void *context, uint8_t *bytes, size_t count);

/* Executes one request other than HELLO: writes the answer's payload into answer (capacity bytes: the response object
 * buffer, or the negotiated max payload without one) and returns its length, with *kind set to AIMC_KIND_RSP or
 * AIMC_KIND_NAK. Its answer is cached; one longer than the max payload goes as a bulk download. */
typedef uint32_t (*aimc_execute_fn)(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload,
                                    uint32_t length, uint8_t *answer, uint32_t capacity, uint8_t *kind);

typedef struct {
    aimc_identity identity;
    aimc_write_fn write;
    aimc_execute_fn execute;
    void *context; /* passed to write and execute */

    bool hello_seen;
    uint8_t minor;
    uint16_t window;
    uint32_t max_payload;

    /* The object buffers (aimc_session_attach): a bulk request is received into upload, every executed answer is
     * written into response, where it stays as the cached answer. Their sizes bound max_object_bytes. */
    uint8_t *upload;
    uint32_t upload_capacity;
    uint8_t *response;
    uint32_t response_capacity;

    /* The response cache: the answer to (sequence, opcode, request CRC) is response[0 .. cache_length), sent as
     * cache_kind, or, when cache_bulk, as RSP BEGIN with its descriptor and then DATA up to cache_sent_to. */
    bool cache_valid;
    uint16_t cache_sequence;
    uint16_t cache_opcode;
    uint32_t cache_payload_crc;
    uint8_t cache_kind;
    bool cache_bulk;
    uint32_t cache_length;
    uint32_t cache_sent_to;

    /* The bulk upload in progress. */
    bool upload_active;
    uint16_t upload_sequence;
    uint16_t upload_opcode;
    uint32_t upload_length;
    uint32_t upload_crc;
    uint32_t upload_received;

    /* AUTH (PROTOCOL.md 5.2, aimc_session_require_secret): the secret (NULL: none), the source of challenges, this
     * HELLO's whole answer (both MACs cover it), whether its challenge is still unanswered, and whether the host
     * answered it. */
    const uint8_t *secret;
    size_t secret_length;
    aimc_random_fn random;
    void *random_context;
    uint8_t hello_answer[AIMC_SESSION_SMALL_PAYLOAD];
    uint32_t hello_answer_length;
    bool challenge_fresh;
    bool authenticated;
    uint32_t auth_refusals; /* host sessions ended by a refused AUTH */

    /* The idle timeout (PROTOCOL.md 5.1): the clock of the last aimc_session_tick and of the last complete frame. */
    uint32_t now_ms;
    uint32_t last_frame_ms;
    uint32_t idle_resets; /* sessions reset by the idle timeout */

    size_t wire_length;
    uint8_t wire[AIMC_FRAME_MAX_WIRE];          /* the frame being sent */
    uint8_t small[AIMC_SESSION_SMALL_PAYLOAD]; /* payloads the session writes itself */

    aimc_frame_decoder decoder;
    uint32_t executed; /* requests handed to execute: a replay does not count */
} aimc_session;

/* Gives the session its object buffers; call before aimc_session_boot. Without them there are no bulk uploads (NAK
 * TOO_LARGE) and the executor gets the session's small buffer; boot lowers the identity's max_object_bytes to the
 * upload buffer when one is attached. */
void aimc_session_attach(aimc_session *session, uint8_t *upload, uint32_t upload_capacity, uint8_t *response,
                         uint32_t response_capacity);
/* Makes every host prove it holds secret (length bytes; the caller keeps them) before anything but HELLO is served
 * (PROTOCOL.md 5.2), with challenges drawn from random; call before aimc_session_boot. A NULL or empty secret: no
 * AUTH, the session as without this call. */
void aimc_session_require_secret(aimc_session *session, const uint8_t *secret, size_t length, aimc_random_fn random,
                                 void *random_context);
/* A NAK payload (PROTOCOL.md section 7): u16 code, then the message's UTF-8 bytes, cut at capacity (at least 2);
 * returns its length. */
uint32_t aimc_nak_payload(uint8_t *out, uint32_t capacity, uint16_t code, const char *message);
/* Starts the session after a boot: writes one 0x00 (to end any half frame on the line) and the BOOT event. */
void aimc_session_boot(aimc_session *session, const aimc_identity *identity, aimc_write_fn write,
                       aimc_execute_fn execute, void *context);
/* Feeds one received byte; answers any complete request. */
void aimc_session_receive(aimc_session *session, uint8_t byte);
/* Tells the session the time (milliseconds, wrapping): a host that sent no complete frame for idle_timeout_ms is
 * dropped, the session reset as after a boot but without the BOOT event (its next request gets HELLO_REQUIRED). */
void aimc_session_tick(aimc_session *session, uint32_t now_ms);
/* The CRC-32C of the schema line of 1.minor (PROTOCOL.md section 5). */
uint32_t aimc_schema_hash(uint8_t minor);

#endif
