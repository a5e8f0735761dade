/* SHA-256 against the examples of FIPS 180-4 (NIST's "SHA256.pdf": "abc", the 448-bit message, one million 'a'),
 * the padding boundaries (55, 56, 63, 64, 65, 119, 120 bytes; digests from python3's hashlib), fed whole and in
 * uneven pieces; HMAC-SHA256 against RFC 4231 test cases 1 to 7 (case 5 truncated to 128 bits, as the RFC gives it);
 * and the constant-time comparison. */
#include "check.h"
#include "sha256.h"

/* Hex to bytes; returns the count. */
static size_t unhex(const char *hex, uint8_t *out, size_t capacity)
{
    size_t count = 0;
    for (; hex[0] != '\0' && hex[1] != '\0' && count < capacity; hex += 2) {
        unsigned value = 0;
        for (unsigned i = 0; i < 2; i++) {
            char c = hex[i];
            value = value * 16U + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        out[count++] = (uint8_t)value;
    }
    return count;
}

static void check_digest(const char *what, const uint8_t *actual, const char *expected_hex, size_t count)
{
    uint8_t expected[AIMC_SHA256_BYTES];
    CHECK(unhex(expected_hex, expected, sizeof expected) == count, "%s: expected digest length", what);
    CHECK_BYTES(actual, expected, count, "%s: digest differs from %s", what, expected_hex);
}

/* The digest of message fed in pieces of piece bytes (0: whole). */
static void digest_in_pieces(const uint8_t *message, size_t length, size_t piece, uint8_t digest[AIMC_SHA256_BYTES])
{
    aimc_sha256 hash;
    aimc_sha256_init(&hash);
    if (piece == 0) {
        aimc_sha256_update(&hash, message, length);
    } else {
        for (size_t at = 0; at < length; at += piece) {
            aimc_sha256_update(&hash, message + at, length - at < piece ? length - at : piece);
        }
    }
    aimc_sha256_final(&hash, digest);
}

static uint8_t million[1000000];

static void check_fips_examples(void)
{
    static const struct {
        const char *message, *digest;
    } examples[] = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    };
    static const size_t pieces[] = {0, 1, 3, 63, 64};
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
            uint8_t digest[AIMC_SHA256_BYTES];
            digest_in_pieces((const uint8_t *)examples[i].message, strlen(examples[i].message), pieces[p], digest);
            check_digest(examples[i].message, digest, examples[i].digest, AIMC_SHA256_BYTES);
        }
    }
    memset(million, 'a', sizeof million);
    static const size_t million_pieces[] = {0, 1, 1000, 4099};
    for (size_t p = 0; p < sizeof million_pieces / sizeof million_pieces[0]; p++) {
        uint8_t digest[AIMC_SHA256_BYTES];
        digest_in_pieces(million, sizeof million, million_pieces[p], digest);
        check_digest("one million 'a'", digest, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                     AIMC_SHA256_BYTES);
    }
}

/* Messages whose padding ends just before, at and after a block boundary. */
static void check_padding_boundaries(void)
{
    static const struct {
        size_t length;
        const char *digest;
    } boundaries[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    for (size_t i = 0; i < sizeof boundaries / sizeof boundaries[0]; i++) {
        uint8_t digest[AIMC_SHA256_BYTES];
        char what[32];
        snprintf(what, sizeof what, "%zu times 'a'", boundaries[i].length);
        digest_in_pieces(million, boundaries[i].length, 0, digest);
        check_digest(what, digest, boundaries[i].digest, AIMC_SHA256_BYTES);
        digest_in_pieces(million, boundaries[i].length, 7, digest);
        check_digest(what, digest, boundaries[i].digest, AIMC_SHA256_BYTES);
    }
}

static void check_rfc4231(void)
{
    static const struct {
        const char *key_hex, *data_hex, *mac_hex;
        size_t mac_bytes;
    } cases[] = {
        /* 1: key 0x0b x 20, "Hi There" */
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
        /* 2: "Jefe", "what do ya want for nothing?" */
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
        /* 3: key 0xaa x 20, data 0xdd x 50 */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
        /* 4: key 0x01 .. 0x19, data 0xcd x 50 */
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
        /* 5: key 0x0c x 20, "Test With Truncation", the first 128 bits */
        {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b", 16},
        /* 6: key 0xaa x 131 (hashed first), "Test Using Larger Than Block-Size Key - Hash Key First" */
        {NULL, "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579"
               "204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
        /* 7: key 0xaa x 131, a larger than block-size message */
        {NULL, "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b65"
               "7920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e65"
               "65647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320"
               "616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t key[131], data[256], mac[AIMC_SHA256_BYTES];
        size_t key_length = 131;
        if (cases[i].key_hex != NULL) {
            key_length = unhex(cases[i].key_hex, key, sizeof key);
        } else {
            memset(key, 0xaa, sizeof key);
        }
        size_t data_length = unhex(cases[i].data_hex, data, sizeof data);
        char what[40];
        snprintf(what, sizeof what, "RFC 4231 test case %zu", i + 1);
        /* Whole, then the data in pieces of 5 bytes: the same MAC. */
        for (size_t piece = 0; piece <= 5; piece += 5) {
            aimc_hmac_sha256 hmac;
            aimc_hmac_sha256_init(&hmac, key, key_length);
            for (size_t at = 0; at < data_length; at += piece == 0 ? data_length : piece) {
                size_t step = piece == 0 || data_length - at < piece ? data_length - at : piece;
                aimc_hmac_sha256_update(&hmac, data + at, step);
            }
            aimc_hmac_sha256_final(&hmac, mac);
            check_digest(what, mac, cases[i].mac_hex, cases[i].mac_bytes);
        }
    }
}

static void check_digest_equal(void)
{
    uint8_t a[32], b[32];
    memset(a, 0x5a, sizeof a);
    memcpy(b, a, sizeof b);
    CHECK(aimc_digest_equal(a, b, sizeof a), "equal digests compare equal");
    for (size_t i = 0; i < sizeof a; i += 31) {
        b[i] ^= 0x01;
        CHECK(!aimc_digest_equal(a, b, sizeof a), "a digest one bit off at byte %zu compares unequal", i);
        b[i] ^= 0x01;
    }
    CHECK(aimc_digest_equal(a, b, 0), "no bytes compare equal");
}

int main(void)
{
    check_fips_examples();
    check_padding_boundaries();
    check_rfc4231();
    check_digest_equal();
    return check_result("sha256_test");
}
