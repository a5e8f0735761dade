/* Payload primitives of PROTOCOL.md section 2.3 over a fixed buffer: a reader that checks every length before it
 * reads (the first failure is kept, with a message in the host's words, and every later read returns zeros), and a
 * writer that checks every length before it writes (a full writer drops the rest and says so). */
#ifndef AIMC_PAYLOAD_H
#define AIMC_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads one payload; after a failure, bad is set and why holds the first reason. */
typedef struct {
    const uint8_t *bytes;
    uint32_t length;
    uint32_t at;
    bool bad;
    char why[128];
} aimc_reader;

void aimc_reader_init(aimc_reader *reader, const uint8_t *bytes, uint32_t length);
uint32_t aimc_reader_remaining(const aimc_reader *reader);
/* Records the first failure (later ones are ignored: the first is what went wrong). */
void aimc_reader_fail(aimc_reader *reader, const char *why);
uint8_t aimc_get_u8(aimc_reader *reader);
bool aimc_get_bool(aimc_reader *reader);
uint16_t aimc_get_u16(aimc_reader *reader);
uint32_t aimc_get_u32(aimc_reader *reader);
int32_t aimc_get_i32(aimc_reader *reader);
uint64_t aimc_get_u64(aimc_reader *reader);
float aimc_get_f32(aimc_reader *reader);
double aimc_get_f64(aimc_reader *reader);
/* An i32 count in 0 .. max, else a failure naming what it counts. */
int32_t aimc_get_count(aimc_reader *reader, const char *what, int32_t max);
/* The next count bytes, or NULL (and a failure) when fewer are left. */
const uint8_t *aimc_get_bytes(aimc_reader *reader, uint32_t count);
/* Fails when bytes are left over: a payload longer than its layout is as wrong as a short one. */
void aimc_reader_end(aimc_reader *reader);

/* Writes one payload into a buffer of capacity bytes. */
typedef struct {
    uint8_t *bytes;
    uint32_t capacity;
    uint32_t at;
    bool full; /* a write did not fit; nothing after it was written */
} aimc_writer;

void aimc_writer_init(aimc_writer *writer, uint8_t *bytes, uint32_t capacity);
void aimc_put_u8(aimc_writer *writer, uint8_t value);
void aimc_put_bool(aimc_writer *writer, bool value);
void aimc_put_u16(aimc_writer *writer, uint16_t value);
void aimc_put_u32(aimc_writer *writer, uint32_t value);
void aimc_put_i32(aimc_writer *writer, int32_t value);
void aimc_put_u64(aimc_writer *writer, uint64_t value);
void aimc_put_i64(aimc_writer *writer, int64_t value);
void aimc_put_f32(aimc_writer *writer, float value);
void aimc_put_f64(aimc_writer *writer, double value);
void aimc_put_bytes(aimc_writer *writer, const uint8_t *bytes, uint32_t count);
/* str: u16 byte count + the bytes (no terminator). */
void aimc_put_str(aimc_writer *writer, const char *text);
/* Reserves count bytes to fill later (a field whose value is known only after what follows); NULL when full. */
uint8_t *aimc_put_reserve(aimc_writer *writer, uint32_t count);

#endif
