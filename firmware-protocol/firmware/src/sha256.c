#include "sha256.h"

#include <string.h>

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t round_constants[64] = {
    0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U, 0x3956c25bU, 0x59f111f1U, 0x923f82a4U, 0xab1c5ed5U,
    0xd807aa98U, 0x12835b01U, 0x243185beU, 0x550c7dc3U, 0x72be5d74U, 0x80deb1feU, 0x9bdc06a7U, 0xc19bf174U,
    0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU, 0x2de92c6fU, 0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU,
    0x983e5152U, 0xa831c66dU, 0xb00327c8U, 0xbf597fc7U, 0xc6e00bf3U, 0xd5a79147U, 0x06ca6351U, 0x14292967U,
    0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU, 0x53380d13U, 0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U,
    0xa2bfe8a1U, 0xa81a664bU, 0xc24b8b70U, 0xc76c51a3U, 0xd192e819U, 0xd6990624U, 0xf40e3585U, 0x106aa070U,
    0x19a4c116U, 0x1e376c08U, 0x2748774cU, 0x34b0bcb5U, 0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU, 0x682e6ff3U,
    0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U, 0x90befffaU, 0xa4506cebU, 0xbef9a3f7U, 0xc67178f2U};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32U - n));
}

/* FIPS 180-4 section 6.2.2: one 512-bit block into the state. */
static void compress(uint32_t state[8], const uint8_t block[AIMC_SHA256_BLOCK_BYTES])
{
    uint32_t w[64];
    for (unsigned t = 0; t < 16; t++) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 | (uint32_t)block[4 * t + 2] << 8 |
               (uint32_t)block[4 * t + 3];
    }
    for (unsigned t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (unsigned t = 0; t < 64; t++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + round_constants[t] + w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

void aimc_sha256_init(aimc_sha256 *hash)
{
    /* FIPS 180-4 section 5.3.3: the fractional parts of the square roots of the first 8 primes. */
    static const uint32_t initial[8] = {0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
                                        0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U};
    memcpy(hash->state, initial, sizeof initial);
    hash->length_bytes = 0;
    hash->used = 0;
}

void aimc_sha256_update(aimc_sha256 *hash, const uint8_t *data, size_t count)
{
    hash->length_bytes += count;
    while (count > 0) {
        size_t take = AIMC_SHA256_BLOCK_BYTES - hash->used;
        take = take < count ? take : count;
        memcpy(hash->block + hash->used, data, take);
        hash->used += (uint32_t)take;
        data += take;
        count -= take;
        if (hash->used == AIMC_SHA256_BLOCK_BYTES) {
            compress(hash->state, hash->block);
            hash->used = 0;
        }
    }
}

void aimc_sha256_final(aimc_sha256 *hash, uint8_t digest[AIMC_SHA256_BYTES])
{
    /* FIPS 180-4 section 5.1.1: a 1 bit, zeros up to 448 mod 512 bits, then the length in bits, big-endian. */
    uint64_t bits = hash->length_bytes * 8U;
    hash->block[hash->used++] = 0x80;
    if (hash->used > AIMC_SHA256_BLOCK_BYTES - 8U) {
        memset(hash->block + hash->used, 0, AIMC_SHA256_BLOCK_BYTES - hash->used);
        compress(hash->state, hash->block);
        hash->used = 0;
    }
    memset(hash->block + hash->used, 0, AIMC_SHA256_BLOCK_BYTES - 8U - hash->used);
    for (unsigned i = 0; i < 8; i++) {
        hash->block[AIMC_SHA256_BLOCK_BYTES - 1U - i] = (uint8_t)(bits >> (8U * i));
    }
    compress(hash->state, hash->block);
    for (unsigned i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(hash->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(hash->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(hash->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)hash->state[i];
    }
    memset(hash->block, 0, sizeof hash->block);
    hash->used = 0;
}

/* The key block XORed with ipad (0x36) or opad (0x5c), into hash (RFC 2104 steps 2-3 and 5-6). */
static void absorb_padded_key(aimc_sha256 *hash, const uint8_t key_block[AIMC_SHA256_BLOCK_BYTES], uint8_t pad)
{
    uint8_t padded[AIMC_SHA256_BLOCK_BYTES];
    for (unsigned i = 0; i < AIMC_SHA256_BLOCK_BYTES; i++) {
        padded[i] = (uint8_t)(key_block[i] ^ pad);
    }
    aimc_sha256_update(hash, padded, sizeof padded);
    memset(padded, 0, sizeof padded);
}

void aimc_hmac_sha256_init(aimc_hmac_sha256 *mac, const uint8_t *key, size_t key_length)
{
    /* RFC 2104 step 1: a key longer than a block is replaced by its digest; every key is padded with zeros. */
    memset(mac->key_block, 0, sizeof mac->key_block);
    if (key_length > AIMC_SHA256_BLOCK_BYTES) {
        aimc_sha256_init(&mac->inner);
        aimc_sha256_update(&mac->inner, key, key_length);
        aimc_sha256_final(&mac->inner, mac->key_block);
    } else if (key_length > 0) {
        memcpy(mac->key_block, key, key_length);
    }
    aimc_sha256_init(&mac->inner);
    absorb_padded_key(&mac->inner, mac->key_block, 0x36);
}

void aimc_hmac_sha256_update(aimc_hmac_sha256 *mac, const uint8_t *data, size_t count)
{
    aimc_sha256_update(&mac->inner, data, count);
}

void aimc_hmac_sha256_final(aimc_hmac_sha256 *mac, uint8_t out[AIMC_SHA256_BYTES])
{
    uint8_t inner[AIMC_SHA256_BYTES];
    aimc_sha256_final(&mac->inner, inner);
    aimc_sha256_init(&mac->inner);
    absorb_padded_key(&mac->inner, mac->key_block, 0x5c);
    aimc_sha256_update(&mac->inner, inner, sizeof inner);
    aimc_sha256_final(&mac->inner, out);
    memset(mac->key_block, 0, sizeof mac->key_block);
    memset(inner, 0, sizeof inner);
}

bool aimc_digest_equal(const uint8_t *a, const uint8_t *b, size_t count)
{
    uint8_t difference = 0;
    for (size_t i = 0; i < count; i++) {
        difference = (uint8_t)(difference | (a[i] ^ b[i]));
    }
    return difference == 0;
}
