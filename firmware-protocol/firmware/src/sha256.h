/* SHA-256 (FIPS 180-4, section 6.2) and HMAC-SHA256 (RFC 2104), for AUTH's shared-secret challenge (PROTOCOL.md
 * section 5.2). Incremental, so a MAC over label | HELLO answer | nonce needs no buffer holding all three; no
 * allocation, no recursion, no table larger than the 64 round constants. Not hardened against timing side channels
 * beyond what AUTH needs: the one comparison of a secret-dependent value is aimc_digest_equal, in constant time. */
#ifndef AIMC_SHA256_H
#define AIMC_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AIMC_SHA256_BYTES 32U       /* digest and HMAC length */
#define AIMC_SHA256_BLOCK_BYTES 64U /* the compression function's block; HMAC's key block */

typedef struct {
    uint32_t state[8];
    uint64_t length_bytes; /* the message so far; FIPS 180-4 bounds it below 2^64 bits */
    uint8_t block[AIMC_SHA256_BLOCK_BYTES];
    uint32_t used; /* bytes waiting in block, < 64 */
} aimc_sha256;

void aimc_sha256_init(aimc_sha256 *hash);
void aimc_sha256_update(aimc_sha256 *hash, const uint8_t *data, size_t count);
/* Pads, writes the 32-byte digest and leaves the state to be initialised again. */
void aimc_sha256_final(aimc_sha256 *hash, uint8_t digest[AIMC_SHA256_BYTES]);

typedef struct {
    aimc_sha256 inner;
    uint8_t key_block[AIMC_SHA256_BLOCK_BYTES]; /* K0 of RFC 2104: the key, or its digest when longer than a block */
} aimc_hmac_sha256;

void aimc_hmac_sha256_init(aimc_hmac_sha256 *mac, const uint8_t *key, size_t key_length);
void aimc_hmac_sha256_update(aimc_hmac_sha256 *mac, const uint8_t *data, size_t count);
/* Writes the 32-byte MAC and wipes the key block. */
void aimc_hmac_sha256_final(aimc_hmac_sha256 *mac, uint8_t out[AIMC_SHA256_BYTES]);

/* Whether a and b hold the same count bytes, in a time that does not depend on where they first differ (so a host
 * cannot find a valid MAC byte by byte from the rig's answer times). */
bool aimc_digest_equal(const uint8_t *a, const uint8_t *b, size_t count);

#endif
