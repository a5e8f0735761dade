#include "cobs.h"

/* Claims the next output byte for a code byte written later; false when the capacity is spent. */
static bool encoder_reserve_code(aimc_cobs_encoder *encoder)
{
    if (encoder->length >= encoder->capacity) {
        encoder->failed = true;
        return false;
    }
    encoder->code_index = encoder->length;
    encoder->length++;
    encoder->code = 1;
    return true;
}

void aimc_cobs_encoder_begin(aimc_cobs_encoder *encoder, uint8_t *out, size_t capacity)
{
    encoder->out = out;
    encoder->capacity = capacity;
    encoder->length = 0;
    encoder->code_index = 0;
    encoder->code = 1;
    encoder->failed = false;
    (void)encoder_reserve_code(encoder);
}

void aimc_cobs_encoder_put(aimc_cobs_encoder *encoder, uint8_t byte)
{
    if (encoder->failed) {
        return;
    }
    if (byte == 0) {
        encoder->out[encoder->code_index] = encoder->code;
        (void)encoder_reserve_code(encoder);
        return;
    }
    if (encoder->length >= encoder->capacity) {
        encoder->failed = true;
        return;
    }
    encoder->out[encoder->length++] = byte;
    encoder->code++;
    if (encoder->code == 0xFF) {
        /* A full run: close it without an implied zero and open the next block, whose code byte is always written. */
        encoder->out[encoder->code_index] = encoder->code;
        (void)encoder_reserve_code(encoder);
    }
}

aimc_cobs_status aimc_cobs_encoder_finish(aimc_cobs_encoder *encoder, size_t *length)
{
    if (encoder->failed) {
        return AIMC_COBS_NO_ROOM;
    }
    encoder->out[encoder->code_index] = encoder->code;
    *length = encoder->length;
    return AIMC_COBS_OK;
}

void aimc_cobs_decoder_begin(aimc_cobs_decoder *decoder, uint8_t *out, size_t capacity)
{
    decoder->out = out;
    decoder->capacity = capacity;
    decoder->length = 0;
    decoder->remaining = 0;
    decoder->zero_due = false;
    decoder->status = AIMC_COBS_OK;
}

static void decoder_emit(aimc_cobs_decoder *decoder, uint8_t byte)
{
    if (decoder->length >= decoder->capacity) {
        decoder->status = AIMC_COBS_NO_ROOM;
        return;
    }
    decoder->out[decoder->length++] = byte;
}

aimc_cobs_status aimc_cobs_decoder_put(aimc_cobs_decoder *decoder, uint8_t byte)
{
    if (decoder->status != AIMC_COBS_OK) {
        return decoder->status;
    }
    if (byte == 0) {
        decoder->status = AIMC_COBS_ZERO_BYTE;
        return decoder->status;
    }
    if (decoder->remaining == 0) {
        /* A code byte: it closes the previous block, whose implied zero is now known not to be the data's end. */
        if (decoder->zero_due) {
            decoder_emit(decoder, 0);
        }
        decoder->zero_due = byte != 0xFF;
        decoder->remaining = (uint8_t)(byte - 1U);
    } else {
        decoder_emit(decoder, byte);
        decoder->remaining--;
    }
    return decoder->status;
}

aimc_cobs_status aimc_cobs_decoder_finish(aimc_cobs_decoder *decoder, size_t *length)
{
    if (decoder->status == AIMC_COBS_OK && decoder->remaining != 0) {
        decoder->status = AIMC_COBS_TRUNCATED;
    }
    if (decoder->status == AIMC_COBS_OK) {
        *length = decoder->length; /* the last block's implied zero is the end of the data, not a byte of it */
    }
    return decoder->status;
}

aimc_cobs_status aimc_cobs_encode(const uint8_t *in, size_t count, uint8_t *out, size_t capacity, size_t *length)
{
    aimc_cobs_encoder encoder;
    aimc_cobs_encoder_begin(&encoder, out, capacity);
    for (size_t i = 0; i < count; i++) {
        aimc_cobs_encoder_put(&encoder, in[i]);
    }
    return aimc_cobs_encoder_finish(&encoder, length);
}

aimc_cobs_status aimc_cobs_decode(const uint8_t *in, size_t count, uint8_t *out, size_t capacity, size_t *length)
{
    aimc_cobs_decoder decoder;
    aimc_cobs_decoder_begin(&decoder, out, capacity);
    for (size_t i = 0; i < count; i++) {
        if (aimc_cobs_decoder_put(&decoder, in[i]) != AIMC_COBS_OK) {
            break;
        }
    }
    return aimc_cobs_decoder_finish(&decoder, length);
}
