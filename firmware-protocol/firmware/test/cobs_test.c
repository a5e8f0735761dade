/* COBS against closed-form encodings of PROTOCOL.md section 2's canonical form, and every length check. */
#include "check.h"
#include "cobs.h"

#include <stdint.h>

/* Encodes in, checks it equals expected, decodes it back and checks the round trip. */
static void check_round_trip(const char *what, const uint8_t *in, size_t count, const uint8_t *expected,
                             size_t expected_length)
{
    uint8_t encoded[600];
    uint8_t decoded[600];
    size_t length = 0;
    CHECK(aimc_cobs_encode(in, count, encoded, sizeof encoded, &length) == AIMC_COBS_OK, "%s: encode", what);
    CHECK(length == expected_length, "%s: encoded %zu bytes, expected %zu", what, length, expected_length);
    CHECK(length <= AIMC_COBS_MAX_ENCODED(count), "%s: %zu bytes pass the bound", what, length);
    if (length == expected_length) {
        CHECK_BYTES(encoded, expected, length, "%s: encoded bytes", what);
    }
    size_t back = 0;
    CHECK(aimc_cobs_decode(encoded, length, decoded, sizeof decoded, &back) == AIMC_COBS_OK, "%s: decode", what);
    CHECK(back == count, "%s: decoded %zu bytes, expected %zu", what, back, count);
    if (back == count && count > 0) {
        CHECK_BYTES(decoded, in, count, "%s: decoded bytes", what);
    }
}

int main(void)
{
    uint8_t in[600] = {0};
    uint8_t expected[600];

    /* Empty data: one final code byte. */
    const uint8_t empty[] = {0x01};
    check_round_trip("empty", in, 0, empty, sizeof empty);

    /* n zeros: n + 1 code bytes 01. */
    memset(in, 0, 3);
    const uint8_t three_zeros[] = {0x01, 0x01, 0x01, 0x01};
    check_round_trip("three zeros", in, 3, three_zeros, sizeof three_zeros);

    /* The classic example: 11 22 00 33 -> 03 11 22 02 33. */
    const uint8_t classic[] = {0x11, 0x22, 0x00, 0x33};
    const uint8_t classic_encoded[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    check_round_trip("11 22 00 33", classic, sizeof classic, classic_encoded, sizeof classic_encoded);

    /* 254 non-zero bytes: FF ...254... 01 (the final code byte is always written). */
    for (size_t i = 0; i < 255; i++) {
        in[i] = (uint8_t)(i % 255 + 1);
    }
    expected[0] = 0xFF;
    memcpy(expected + 1, in, 254);
    expected[255] = 0x01;
    check_round_trip("254 non-zero", in, 254, expected, 256);

    /* 255 non-zero bytes: FF ...254... 02 x. */
    expected[255] = 0x02;
    expected[256] = in[254];
    check_round_trip("255 non-zero", in, 255, expected, 257);

    /* 253 non-zero bytes then a zero: FE ...253... 01 (the zero closes the FE block, 01 is the final code byte). */
    uint8_t run_zero[254];
    memcpy(run_zero, in, 253);
    run_zero[253] = 0;
    expected[0] = 0xFE;
    memcpy(expected + 1, in, 253);
    expected[254] = 0x01;
    check_round_trip("253 non-zero, zero", run_zero, 254, expected, 255);

    /* Decoders accept 254 non-zero bytes without the final 01. */
    expected[0] = 0xFF;
    memcpy(expected + 1, in, 254);
    uint8_t decoded[300];
    size_t length = 0;
    CHECK(aimc_cobs_decode(expected, 255, decoded, sizeof decoded, &length) == AIMC_COBS_OK, "FF run without 01");
    CHECK(length == 254 && memcmp(decoded, in, 254) == 0, "FF run without 01 decodes to %zu bytes", length);

    /* A code byte promising more than the data holds. */
    const uint8_t truncated[] = {0x04, 0x11, 0x22};
    CHECK(aimc_cobs_decode(truncated, sizeof truncated, decoded, sizeof decoded, &length) == AIMC_COBS_TRUNCATED,
          "04 11 22 is truncated");

    /* A zero inside encoded data. */
    const uint8_t zero_inside[] = {0x03, 0x11, 0x00, 0x01};
    CHECK(aimc_cobs_decode(zero_inside, sizeof zero_inside, decoded, sizeof decoded, &length) == AIMC_COBS_ZERO_BYTE,
          "03 11 00 01 holds a zero");

    /* Capacities: exactly enough works, one byte less fails, and nothing is written past the capacity. */
    uint8_t guarded[8];
    memset(guarded, 0xAA, sizeof guarded);
    CHECK(aimc_cobs_encode(classic, sizeof classic, guarded, 5, &length) == AIMC_COBS_OK && length == 5,
          "encode into exactly 5");
    memset(guarded, 0xAA, sizeof guarded);
    CHECK(aimc_cobs_encode(classic, sizeof classic, guarded, 4, &length) == AIMC_COBS_NO_ROOM, "encode into 4");
    CHECK(guarded[4] == 0xAA && guarded[5] == 0xAA, "encode wrote past its capacity of 4");
    CHECK(aimc_cobs_encode(classic, 0, guarded, 0, &length) == AIMC_COBS_NO_ROOM, "empty data into 0 bytes");
    memset(guarded, 0xAA, sizeof guarded);
    CHECK(aimc_cobs_decode(classic_encoded, sizeof classic_encoded, guarded, 4, &length) == AIMC_COBS_OK &&
              length == 4,
          "decode into exactly 4");
    memset(guarded, 0xAA, sizeof guarded);
    CHECK(aimc_cobs_decode(classic_encoded, sizeof classic_encoded, guarded, 3, &length) == AIMC_COBS_NO_ROOM,
          "decode into 3");
    CHECK(guarded[3] == 0xAA, "decode wrote past its capacity of 3");
    return check_result("cobs");
}
