#include "payload.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"

void aimc_reader_init(aimc_reader *reader, const uint8_t *bytes, uint32_t length)
{
    reader->bytes = bytes;
    reader->length = length;
    reader->at = 0;
    reader->bad = false;
    reader->why[0] = '\0';
}

uint32_t aimc_reader_remaining(const aimc_reader *reader)
{
    return reader->length - reader->at;
}

void aimc_reader_fail(aimc_reader *reader, const char *why)
{
    if (!reader->bad) {
        reader->bad = true;
        snprintf(reader->why, sizeof reader->why, "%s", why);
    }
}

const uint8_t *aimc_get_bytes(aimc_reader *reader, uint32_t count)
{
    if (reader->bad) {
        return NULL;
    }
    if (count > aimc_reader_remaining(reader)) {
        char why[64];
        snprintf(why, sizeof why, "the payload ends %lu bytes early",
                 (unsigned long)(count - aimc_reader_remaining(reader)));
        aimc_reader_fail(reader, why);
        return NULL;
    }
    const uint8_t *start = reader->bytes + reader->at;
    reader->at += count;
    return start;
}

uint8_t aimc_get_u8(aimc_reader *reader)
{
    const uint8_t *b = aimc_get_bytes(reader, 1);
    return b == NULL ? 0 : b[0];
}

bool aimc_get_bool(aimc_reader *reader)
{
    uint8_t b = aimc_get_u8(reader);
    if (b > 1) {
        char why[48];
        snprintf(why, sizeof why, "a boolean byte is %u, not 0 or 1", b);
        aimc_reader_fail(reader, why);
        return false;
    }
    return b == 1;
}

uint16_t aimc_get_u16(aimc_reader *reader)
{
    const uint8_t *b = aimc_get_bytes(reader, 2);
    return b == NULL ? 0 : aimc_read_u16(b);
}

uint32_t aimc_get_u32(aimc_reader *reader)
{
    const uint8_t *b = aimc_get_bytes(reader, 4);
    return b == NULL ? 0 : aimc_read_u32(b);
}

int32_t aimc_get_i32(aimc_reader *reader)
{
    return (int32_t)aimc_get_u32(reader);
}

uint64_t aimc_get_u64(aimc_reader *reader)
{
    uint64_t low = aimc_get_u32(reader);
    uint64_t high = aimc_get_u32(reader);
    return low | (high << 32);
}

float aimc_get_f32(aimc_reader *reader)
{
    uint32_t bits = aimc_get_u32(reader);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

double aimc_get_f64(aimc_reader *reader)
{
    uint64_t bits = aimc_get_u64(reader);
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

int32_t aimc_get_count(aimc_reader *reader, const char *what, int32_t max)
{
    int32_t n = aimc_get_i32(reader);
    if (!reader->bad && (n < 0 || n > max)) {
        char why[96];
        snprintf(why, sizeof why, "%s is %ld, outside 0..%ld", what, (long)n, (long)max);
        aimc_reader_fail(reader, why);
        return 0;
    }
    return n;
}

void aimc_reader_end(aimc_reader *reader)
{
    if (!reader->bad && aimc_reader_remaining(reader) != 0) {
        char why[64];
        snprintf(why, sizeof why, "%lu bytes left over after the last field",
                 (unsigned long)aimc_reader_remaining(reader));
        aimc_reader_fail(reader, why);
    }
}

void aimc_writer_init(aimc_writer *writer, uint8_t *bytes, uint32_t capacity)
{
    writer->bytes = bytes;
    writer->capacity = capacity;
    writer->at = 0;
    writer->full = false;
}

uint8_t *aimc_put_reserve(aimc_writer *writer, uint32_t count)
{
    if (writer->full || count > writer->capacity - writer->at) {
        writer->full = true;
        return NULL;
    }
    uint8_t *start = writer->bytes + writer->at;
    writer->at += count;
    return start;
}

void aimc_put_bytes(aimc_writer *writer, const uint8_t *bytes, uint32_t count)
{
    uint8_t *out = aimc_put_reserve(writer, count);
    if (out != NULL && count > 0) {
        memcpy(out, bytes, count);
    }
}

void aimc_put_u8(aimc_writer *writer, uint8_t value)
{
    aimc_put_bytes(writer, &value, 1);
}

void aimc_put_bool(aimc_writer *writer, bool value)
{
    aimc_put_u8(writer, value ? 1 : 0);
}

void aimc_put_u16(aimc_writer *writer, uint16_t value)
{
    uint8_t *out = aimc_put_reserve(writer, 2);
    if (out != NULL) {
        aimc_write_u16(out, value);
    }
}

void aimc_put_u32(aimc_writer *writer, uint32_t value)
{
    uint8_t *out = aimc_put_reserve(writer, 4);
    if (out != NULL) {
        aimc_write_u32(out, value);
    }
}

void aimc_put_i32(aimc_writer *writer, int32_t value)
{
    aimc_put_u32(writer, (uint32_t)value);
}

void aimc_put_u64(aimc_writer *writer, uint64_t value)
{
    uint8_t *out = aimc_put_reserve(writer, 8);
    if (out != NULL) {
        aimc_write_u32(out, (uint32_t)value);
        aimc_write_u32(out + 4, (uint32_t)(value >> 32));
    }
}

void aimc_put_i64(aimc_writer *writer, int64_t value)
{
    aimc_put_u64(writer, (uint64_t)value);
}

void aimc_put_f32(aimc_writer *writer, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    aimc_put_u32(writer, bits);
}

void aimc_put_f64(aimc_writer *writer, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    aimc_put_u64(writer, bits);
}

void aimc_put_str(aimc_writer *writer, const char *text)
{
    size_t length = strlen(text);
    if (length > 0xFFFFU) {
        writer->full = true;
        return;
    }
    aimc_put_u16(writer, (uint16_t)length);
    aimc_put_bytes(writer, (const uint8_t *)text, (uint32_t)length);
}
