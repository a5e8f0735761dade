/* Frames of PROTOCOL.md section 2: wire frame = COBS(header[12] | payload[length] | crc32c[4]) 0x00. The layer is
 * the same for every protocol minor (1.0, 1.1, 1.2): only the major version byte, 1, is checked here. */
#ifndef AIMC_FRAME_H
#define AIMC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cobs.h"

/* The largest payload this build can hold; HELLO advertises it (or less). PROTOCOL.md's default is 4096. */
#ifndef AIMC_FRAME_MAX_PAYLOAD
#define AIMC_FRAME_MAX_PAYLOAD 4096U
#endif
/* PROTOCOL.md section 5: a negotiated max payload is never below 64. */
#define AIMC_FRAME_MIN_MAX_PAYLOAD 64U

#define AIMC_FRAME_VERSION 1U
#define AIMC_FRAME_HEADER_BYTES 12U
#define AIMC_FRAME_CRC_BYTES 4U
#define AIMC_FRAME_RAW_BYTES(max_payload) (AIMC_FRAME_HEADER_BYTES + (max_payload) + AIMC_FRAME_CRC_BYTES)
#define AIMC_FRAME_MAX_RAW AIMC_FRAME_RAW_BYTES(AIMC_FRAME_MAX_PAYLOAD)
/* Wire bytes of the largest frame: its COBS encoding and the 0x00 delimiter. */
#define AIMC_FRAME_MAX_WIRE (AIMC_COBS_MAX_ENCODED(AIMC_FRAME_MAX_RAW) + 1U)

#if AIMC_FRAME_MAX_PAYLOAD < AIMC_FRAME_MIN_MAX_PAYLOAD
#error "AIMC_FRAME_MAX_PAYLOAD is below the protocol's minimum of 64"
#endif

/* Frame kinds (PROTOCOL.md section 2.1). */
enum {
    AIMC_KIND_REQ = 1,
    AIMC_KIND_RSP = 2,
    AIMC_KIND_NAK = 3,
    AIMC_KIND_DATA = 4,
    AIMC_KIND_ACK = 5,
    AIMC_KIND_EVT = 6
};

/* Header flag bits (PROTOCOL.md section 2.1); other bits are ignored on receipt. */
enum {
    AIMC_FLAG_BEGIN = 1U << 0,
    AIMC_FLAG_COMMIT = 1U << 1,
    AIMC_FLAG_RESEND = 1U << 2,
    AIMC_FLAG_WORKING = 1U << 3
};

/* The 12-byte header, decoded. */
typedef struct {
    uint8_t version;
    uint8_t kind;
    uint16_t sequence;
    uint16_t opcode;
    uint16_t flags;
    uint32_t length; /* payload bytes */
} aimc_frame_header;

/* What one received byte completed. Every ERR_ value is a dropped run (PROTOCOL.md section 2, resynchronization);
 * the decoder is ready for the next frame after it. */
typedef enum {
    AIMC_FRAME_NONE = 0,        /* no frame completed by this byte (inside a run, or an empty frame 0x00 0x00) */
    AIMC_FRAME_OK,              /* a valid frame: header and payload are in the decoder */
    AIMC_FRAME_ERR_COBS,        /* the run is not valid COBS */
    AIMC_FRAME_ERR_SHORT,       /* fewer than header + CRC bytes */
    AIMC_FRAME_ERR_CRC,         /* the CRC-32C does not match */
    AIMC_FRAME_ERR_LENGTH,      /* the length field disagrees with the bytes present */
    AIMC_FRAME_ERR_OVERLONG,    /* longer than the largest legal frame under the max payload: discarded to the 0x00 */
    AIMC_FRAME_ERR_VERSION,     /* version byte is not 1 */
    AIMC_FRAME_ERR_KIND,        /* kind is not one of 1..6 */
    AIMC_FRAME_STATUS_COUNT
} aimc_frame_status;

/* A stable lower-case name for a status, for logs and test messages. */
const char *aimc_frame_status_name(aimc_frame_status status);

/* Streaming receiver: one fixed buffer, COBS decoded as the bytes arrive (no second copy of the encoded run). */
typedef struct {
    uint8_t raw[AIMC_FRAME_MAX_RAW];
    uint32_t max_payload;  /* the negotiated max payload, <= AIMC_FRAME_MAX_PAYLOAD */
    size_t encoded_length; /* encoded bytes of the current run */
    bool discarding;       /* the run is overlong: drop bytes up to the next 0x00 */
    aimc_cobs_decoder cobs;
    aimc_frame_header header; /* valid after AIMC_FRAME_OK */
    const uint8_t *payload;   /* header.length bytes inside raw, valid after AIMC_FRAME_OK until the next byte */
    uint32_t dropped[AIMC_FRAME_STATUS_COUNT]; /* dropped runs by reason (indices of the ERR_ values) */
} aimc_frame_decoder;

/* Starts a decoder at max_payload (clamped into 64 .. AIMC_FRAME_MAX_PAYLOAD). */
void aimc_frame_decoder_init(aimc_frame_decoder *decoder, uint32_t max_payload);
/* Applies a newly negotiated max payload (clamped likewise); the run in progress is forgotten. */
void aimc_frame_decoder_set_max_payload(aimc_frame_decoder *decoder, uint32_t max_payload);
/* Feeds one received byte. */
aimc_frame_status aimc_frame_decoder_push(aimc_frame_decoder *decoder, uint8_t byte);

/* Writes the wire form of one frame (header.length is taken from payload_length) into out, delimiter included. Fails
 * (returns false, *wire_length untouched) when out is too small or the payload is larger than AIMC_FRAME_MAX_PAYLOAD. */
bool aimc_frame_encode(const aimc_frame_header *header, const uint8_t *payload, uint32_t payload_length, uint8_t *out,
                       size_t capacity, size_t *wire_length);

/* The same, with the payload in two parts (a DATA frame's offset and its chunk of a bulk object), not copied
 * together first. */
bool aimc_frame_encode_parts(const aimc_frame_header *header, const uint8_t *first, uint32_t first_length,
                             const uint8_t *second, uint32_t second_length, uint8_t *out, size_t capacity,
                             size_t *wire_length);

/* Little-endian field access, shared by the frame layer and the payload codecs above it. */
uint16_t aimc_read_u16(const uint8_t *bytes);
uint32_t aimc_read_u32(const uint8_t *bytes);
void aimc_write_u16(uint8_t *bytes, uint16_t value);
void aimc_write_u32(uint8_t *bytes, uint32_t value);

#endif
