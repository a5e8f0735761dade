/* AUTH, the shared-secret challenge of PROTOCOL.md 5.2, in the session: the golden exchange of the C# virtual rig
 * (hello-response-auth, auth-request, auth-response, auth-nak) byte for byte; a 1.2 answer with a secret longer than a
 * block, against MACs computed with python3's hmac module; and every refusal (a request before AUTH, a second AUTH,
 * an answer to another HELLO's challenge, a malformed AUTH, a 1.0 host, no random source), each a NAK AUTH in the C#
 * DeviceServer's words that ends the host's session. Without a secret nothing changes. */
#include "check.h"
#include "crc32c.h"
#include "frame.h"
#include "golden_vectors.h"
#include "session.h"
#include "session_line.h"

/* The golden vectors' secret and challenge: 'aimc', and 00 01 .. 1F. */
static const uint8_t golden_secret[] = {'a', 'i', 'm', 'c'};
static uint8_t next_challenge_byte;
static int random_calls;

/* Counts up from next_challenge_byte: the challenges the golden vectors hold, and different ones after. */
static bool counting_random(void *context, uint8_t *bytes, size_t count)
{
    (void)context;
    random_calls++;
    for (size_t i = 0; i < count; i++) {
        bytes[i] = next_challenge_byte++;
    }
    return true;
}

static bool no_random(void *context, uint8_t *bytes, size_t count)
{
    (void)context;
    (void)bytes;
    (void)count;
    random_calls++;
    return false;
}

/* Boots the virtual rig at 1.max_minor with secret (NULL: none) and challenges counting from first. */
static void boot_with_secret(uint8_t max_minor, const uint8_t *secret, size_t length, aimc_random_fn random,
                             uint8_t first)
{
    next_challenge_byte = first;
    random_calls = 0;
    aimc_session_require_secret(&session, secret, length, random, NULL);
    boot(max_minor, 1, echo);
    session.auth_refusals = 0;
}

/* Whether the last answer is one frame kind/opcode/sequence with a NAK's code and message (or an RSP's payload). */
static bool answered(uint8_t kind, uint16_t sequence, uint16_t opcode, uint16_t code, const char *message)
{
    if (decode_line() != AIMC_FRAME_OK || reader.header.kind != kind || reader.header.sequence != sequence ||
        reader.header.opcode != opcode) {
        return false;
    }
    if (kind != AIMC_KIND_NAK) {
        return true;
    }
    size_t text = strlen(message);
    bool same = reader.header.length == 2 + text && aimc_read_u16(reader.payload) == code &&
                memcmp(reader.payload + 2, message, text) == 0;
    if (!same && reader.header.length >= 2) {
        fprintf(stderr, "  NAK %u \"%.*s\"\n", aimc_read_u16(reader.payload), (int)(reader.header.length - 2),
                (const char *)reader.payload + 2);
    }
    return same;
}

static const char hello_required[] = "the rig booted (boot counter 1) and serves nothing before HELLO";

/* The host's session has ended: its next request gets HELLO_REQUIRED and is not executed. */
static void check_session_ended(const char *what)
{
    uint32_t executed = session.executed;
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    feed(wire, request(wire, 9, 0x0030, NULL, 0));
    CHECK(answered(AIMC_KIND_NAK, 9, 0x0030, AIMC_NAK_HELLO_REQUIRED, hello_required),
          "%s: the next request gets HELLO_REQUIRED", what);
    CHECK(session.executed == executed, "%s: a request was executed", what);
    CHECK(session.auth_refusals == 1, "%s: %u refusals counted", what, (unsigned)session.auth_refusals);
}

/* A 1.1 HELLO answered as the golden vector says, the challenge 00 .. 1F. */
static void golden_hello(void)
{
    const golden_vector *hello = golden_vector_named("hello-request-1.1");
    feed(hello->wire, hello->wire_length);
    check_answer("HELLO of a 1.1 host to a rig with a secret", golden_vector_named("hello-response-auth"));
}

static void check_golden_exchange(void)
{
    const golden_vector *auth = golden_vector_named("auth-request");
    boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x00);
    golden_hello();
    CHECK(random_calls == 1, "one challenge drawn per HELLO (%d)", random_calls);
    feed(auth->wire, auth->wire_length);
    check_answer("AUTH with the right secret", golden_vector_named("auth-response"));
    CHECK(session.authenticated, "the host is authenticated");

    /* Served from now on: the executor answers, and a retry comes from the cache. */
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    size_t length = request(wire, 3, 0x0030, NULL, 0);
    feed(wire, length);
    CHECK(answered(AIMC_KIND_RSP, 3, 0x0030, 0, NULL) && session.executed == 1, "CLOCK_GET after AUTH is executed");
    feed(wire, length);
    CHECK(answered(AIMC_KIND_RSP, 3, 0x0030, 0, NULL) && session.executed == 1, "its retry comes from the cache");

    /* AUTH is never cached: the same AUTH again (a host's retry, or a replay) is a second answer to one challenge. */
    feed(auth->wire, auth->wire_length);
    CHECK(answered(AIMC_KIND_NAK, 2, 0x0003, AIMC_NAK_AUTH,
                   "AUTH without a fresh challenge (a replayed answer): each HELLO's challenge is answered once"),
          "a second AUTH: NAK AUTH");
    check_session_ended("after a second AUTH");
}

static void check_wrong_secret(void)
{
    static const uint8_t other[] = {'a', 'i', 'm', 'd'};
    const golden_vector *auth = golden_vector_named("auth-request");
    boot_with_secret(1, other, sizeof other, counting_random, 0x00);
    golden_hello(); /* the secret never goes on the wire: the same HELLO answer */
    feed(auth->wire, auth->wire_length);
    check_answer("AUTH with another secret", golden_vector_named("auth-nak"));
    CHECK(!session.authenticated, "not authenticated");
    check_session_ended("after a wrong secret");
}

static void check_answer_to_another_challenge(void)
{
    /* The golden answer was made for the challenge 00 .. 1F; this HELLO's is 40 .. 5F. */
    const golden_vector *hello = golden_vector_named("hello-request-1.1");
    const golden_vector *auth = golden_vector_named("auth-request");
    boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x40);
    feed(hello->wire, hello->wire_length);
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_RSP && reader.header.length == 90 &&
              reader.payload[58] == 0x40 && reader.payload[89] == 0x5F,
          "the HELLO answer ends with this HELLO's challenge");
    feed(auth->wire, auth->wire_length);
    CHECK(answered(AIMC_KIND_NAK, 2, 0x0003, AIMC_NAK_AUTH,
                   "wrong shared secret: the host's secret file differs from the rig's"),
          "an answer recorded for another challenge: NAK AUTH");
    check_session_ended("after an answer to another challenge");

    /* A new HELLO of an authenticated host draws a new challenge and needs a new answer. */
    boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x00);
    golden_hello();
    feed(auth->wire, auth->wire_length);
    CHECK(session.authenticated, "authenticated");
    feed(hello->wire, hello->wire_length);
    CHECK(!session.authenticated && random_calls == 2, "HELLO again: a new challenge, not authenticated");
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    feed(wire, request(wire, 2, 0x0002, NULL, 0));
    CHECK(answered(AIMC_KIND_NAK, 2, 0x0002, AIMC_NAK_AUTH,
                   "GET_INFO before AUTH: this rig needs its shared secret; answer HELLO's challenge first"),
          "GET_INFO after the new HELLO, before its AUTH: NAK AUTH");
}

static void check_requests_before_auth(void)
{
    static const struct {
        uint16_t opcode, flags;
        const char *message;
    } requests[] = {
        {0x0002, 0, "GET_INFO before AUTH: this rig needs its shared secret; answer HELLO's challenge first"},
        {0x0020, 0, "MVM before AUTH: this rig needs its shared secret; answer HELLO's challenge first"},
        {0x0010, AIMC_FLAG_BEGIN, "PROGRAM before AUTH: this rig needs its shared secret; answer HELLO's challenge first"},
        {0x0099, 0, "0x0099 before AUTH: this rig needs its shared secret; answer HELLO's challenge first"},
    };
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x00);
        golden_hello();
        uint8_t wire[AIMC_FRAME_MAX_WIRE];
        uint8_t descriptor[8] = {0};
        aimc_frame_header header = {1, AIMC_KIND_REQ, 2, requests[i].opcode, requests[i].flags, 0};
        size_t length = 0;
        CHECK(aimc_frame_encode(&header, descriptor, requests[i].flags != 0 ? sizeof descriptor : 0, wire, sizeof wire,
                                &length),
              "encode");
        feed(wire, length);
        CHECK(answered(AIMC_KIND_NAK, 2, requests[i].opcode, AIMC_NAK_AUTH, requests[i].message), "%s",
              requests[i].message);
        check_session_ended(requests[i].message);
    }
}

static void check_malformed_auth(void)
{
    static const struct {
        uint32_t length;
        const char *message;
    } cases[] = {
        {63, "malformed AUTH (the payload ends 1 bytes early)"},
        {0, "malformed AUTH (the payload ends 64 bytes early)"},
        {65, "malformed AUTH (1 bytes left over after the last field)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x00);
        golden_hello();
        uint8_t payload[65] = {0};
        uint8_t wire[AIMC_FRAME_MAX_WIRE];
        feed(wire, request(wire, 2, 0x0003, payload, cases[i].length));
        CHECK(answered(AIMC_KIND_NAK, 2, 0x0003, AIMC_NAK_AUTH, cases[i].message), "%s", cases[i].message);
        check_session_ended(cases[i].message);
    }
}

static void check_version_1_0_host(void)
{
    const golden_vector *hello = golden_vector_named("hello-request");
    const char refusal[] = "this rig needs a shared secret, which a protocol 1.0 host cannot give; update the host to "
                           "protocol 1.2";
    boot_with_secret(2, golden_secret, sizeof golden_secret, counting_random, 0x00);
    feed(hello->wire, hello->wire_length);
    CHECK(answered(AIMC_KIND_NAK, hello->sequence, AIMC_OPCODE_HELLO, AIMC_NAK_AUTH, refusal),
          "a 1.0 host's HELLO: NAK AUTH");
    CHECK(random_calls == 0, "no challenge drawn for a 1.0 host");
    check_session_ended("after a 1.0 HELLO");

    /* It also ends an authenticated host's session. */
    boot_with_secret(1, golden_secret, sizeof golden_secret, counting_random, 0x00);
    golden_hello();
    const golden_vector *auth = golden_vector_named("auth-request");
    feed(auth->wire, auth->wire_length);
    feed(hello->wire, hello->wire_length);
    CHECK(!session.authenticated && !session.hello_seen, "a 1.0 HELLO ends the authenticated session");
}

static void check_no_random_source(void)
{
    const golden_vector *hello = golden_vector_named("hello-request-1.1");
    boot_with_secret(1, golden_secret, sizeof golden_secret, no_random, 0x00);
    feed(hello->wire, hello->wire_length);
    CHECK(answered(AIMC_KIND_NAK, 1, AIMC_OPCODE_HELLO, AIMC_NAK_INTERNAL,
                   "the rig has no random source for its AUTH challenge"),
          "no random source: NAK INTERNAL");
    CHECK(!session.hello_seen, "and no session");
}

/* The 1.2 layout with the C firmware's identity and a 100-byte secret (hashed first, RFC 2104): the answer and the
 * proof as python3 computes them (hmac.new(secret, label + hello_answer + nonce, hashlib.sha256)). */
static void check_long_secret_at_1_2(void)
{
    static const char hello_answer_hex[] =
        "010208000010000000010000a27a79090e000000070000001d0061696d632d68696c2043207265666572656e6365206669726d77617265"
        "e803000060ea000000800000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
    static const uint8_t answer[32] = {0xb6, 0xd2, 0x5a, 0x8d, 0x77, 0x4e, 0x1a, 0x7e, 0x24, 0x18, 0x54,
                                       0xcc, 0x47, 0x25, 0x9a, 0xa8, 0x96, 0xb5, 0x77, 0x68, 0x6f, 0x71,
                                       0x8f, 0x85, 0x2e, 0xac, 0x5a, 0x32, 0xf2, 0x9b, 0x3d, 0x4c};
    static const uint8_t proof[32] = {0x4e, 0x66, 0x68, 0x24, 0xcb, 0x89, 0xf2, 0x2b, 0xa2, 0xa3, 0x61,
                                      0x67, 0x55, 0xed, 0xe3, 0xc4, 0x2a, 0x4e, 0x2b, 0x07, 0x81, 0x2a,
                                      0x28, 0xea, 0x3f, 0xc6, 0x84, 0xfb, 0xe5, 0x5b, 0x64, 0xd8};
    uint8_t secret[100];
    for (unsigned i = 0; i < sizeof secret; i++) {
        secret[i] = (uint8_t)(i * 7U + 3U);
    }
    next_challenge_byte = 0xA0;
    aimc_session_require_secret(&session, secret, sizeof secret, counting_random, NULL);
    aimc_identity id = {2, 8, 4096, 0x000100, AIMC_CAP_VIRTUAL_CLOCK, 7, "aimc-hil C reference firmware",
                        1000, 60000, 32768};
    aimc_session_boot(&session, &id, capture, echo, NULL);
    uint8_t hello[8] = {1, 2};
    aimc_write_u16(hello + 2, 8);
    aimc_write_u32(hello + 4, 4096);
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    feed(wire, request(wire, 1, AIMC_OPCODE_HELLO, hello, sizeof hello));
    uint8_t expected[99];
    for (size_t i = 0; i < sizeof expected; i++) {
        unsigned value = 0;
        sscanf(hello_answer_hex + 2 * i, "%2x", &value);
        expected[i] = (uint8_t)value;
    }
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_RSP &&
              reader.header.length == sizeof expected && memcmp(reader.payload, expected, sizeof expected) == 0,
          "the 1.2 HELLO answer: capabilities VIRTUAL_CLOCK|LIMITS|AUTH, limits, then the challenge");
    uint8_t auth[64];
    for (unsigned i = 0; i < 32; i++) {
        auth[i] = (uint8_t)(0xC0 + i);
    }
    memcpy(auth + 32, answer, sizeof answer);
    feed(wire, request(wire, 2, 0x0003, auth, sizeof auth));
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_RSP && reader.header.length == 32 &&
              memcmp(reader.payload, proof, sizeof proof) == 0,
          "the rig's proof is python's HMAC");
    /* A 1.2 opcode is served once authenticated. */
    feed(wire, request(wire, 3, AIMC_OPCODE_MVM_PACKED, NULL, 0));
    CHECK(session.executed == 1, "MVM_PACKED executed after AUTH");
}

static void check_without_secret(void)
{
    /* An empty secret is none: the 1.1 answer of the golden vectors, and AUTH NAKed UNSUPPORTED. */
    const golden_vector *hello = golden_vector_named("hello-request-1.1");
    const golden_vector *auth = golden_vector_named("auth-request");
    boot_with_secret(1, golden_secret, 0, counting_random, 0x00);
    feed(hello->wire, hello->wire_length);
    check_answer("HELLO without a secret", golden_vector_named("hello-response-1.1"));
    CHECK(random_calls == 0, "no challenge drawn without a secret");
    feed(auth->wire, auth->wire_length);
    CHECK(answered(AIMC_KIND_NAK, 2, 0x0003, AIMC_NAK_UNSUPPORTED, "this rig needs no shared secret; send no AUTH"),
          "AUTH without a secret: NAK UNSUPPORTED");
    CHECK(session.hello_seen, "and the session goes on");
}

int main(void)
{
    check_golden_exchange();
    check_wrong_secret();
    check_answer_to_another_challenge();
    check_requests_before_auth();
    check_malformed_auth();
    check_version_1_0_host();
    check_no_random_source();
    check_long_secret_at_1_2();
    check_without_secret();
    return check_result("auth");
}
