/* COBS (Cheshire & Baker, 1999) in the canonical form of PROTOCOL.md section 2: a code byte before every run, 0xFF for
 * 254 non-zero bytes with no implied zero, a final code byte always written. Both directions are streaming (one byte
 * at a time into a caller's buffer of explicit capacity) so the frame layer needs no second buffer. */
#ifndef AIMC_COBS_H
#define AIMC_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest encoding of n bytes: n + floor(n / 254) + 1 (PROTOCOL.md section 2). */
#define AIMC_COBS_MAX_ENCODED(n) ((n) + (n) / 254U + 1U)

typedef enum {
    AIMC_COBS_OK = 0,
    AIMC_COBS_NO_ROOM,   /* the output would pass its capacity; nothing was written past it */
    AIMC_COBS_ZERO_BYTE, /* a 0x00 inside encoded data */
    AIMC_COBS_TRUNCATED  /* a code byte promises more bytes than the data holds */
} aimc_cobs_status;

/* Streaming encoder: begin, put every byte, finish. After NO_ROOM the encoder stays failed. */
typedef struct {
    uint8_t *out;
    size_t capacity;
    size_t length;     /* bytes written so far, including the open code byte's slot */
    size_t code_index; /* where the open block's code byte goes */
    uint8_t code;      /* 1 + data bytes in the open block */
    bool failed;
} aimc_cobs_encoder;

void aimc_cobs_encoder_begin(aimc_cobs_encoder *encoder, uint8_t *out, size_t capacity);
void aimc_cobs_encoder_put(aimc_cobs_encoder *encoder, uint8_t byte);
/* Writes the final code byte; on OK *length is the encoded size (no delimiter). */
aimc_cobs_status aimc_cobs_encoder_finish(aimc_cobs_encoder *encoder, size_t *length);

/* Streaming decoder: begin, put every encoded byte (never the 0x00 delimiter), finish at the delimiter. Accepts the
 * canonical form and the form without the final 01 after a 0xFF block. */
typedef struct {
    uint8_t *out;
    size_t capacity;
    size_t length;     /* decoded bytes written so far */
    uint8_t remaining; /* data bytes still due in the open block; 0: the next byte is a code byte */
    bool zero_due;     /* the closed block was shorter than 254: a 0x00 follows unless the data ends here */
    aimc_cobs_status status;
} aimc_cobs_decoder;

void aimc_cobs_decoder_begin(aimc_cobs_decoder *decoder, uint8_t *out, size_t capacity);
/* Returns the decoder's status after the byte: once not OK it stays so until the next begin. */
aimc_cobs_status aimc_cobs_decoder_put(aimc_cobs_decoder *decoder, uint8_t byte);
aimc_cobs_status aimc_cobs_decoder_finish(aimc_cobs_decoder *decoder, size_t *length);

/* Whole-buffer forms of the two streams. */
aimc_cobs_status aimc_cobs_encode(const uint8_t *in, size_t count, uint8_t *out, size_t capacity, size_t *length);
aimc_cobs_status aimc_cobs_decode(const uint8_t *in, size_t count, uint8_t *out, size_t capacity, size_t *length);

#endif
