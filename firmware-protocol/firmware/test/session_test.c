/* The session against the golden vectors: the BOOT event, HELLO answered in the 1.0, 1.1 and 1.2 layouts, NAK
 * HELLO_REQUIRED before HELLO, the 1.2 opcodes NAKed in a 1.1 session, byte for byte; and the response cache: a retry
 * is answered with the same bytes without executing again, HELLO clears the cache. */
#include "check.h"
#include "crc32c.h"
#include "frame.h"
#include "golden_vectors.h"
#include "session.h"
#include "session_line.h"

static void check_boot_event(void)
{
    const golden_vector *event = golden_vector_named("boot-event");
    boot(2, 3, NULL);
    CHECK(line_length == 1 + event->wire_length && line[0] == 0, "boot writes a 0x00, then the BOOT event");
    if (line_length == 1 + event->wire_length) {
        CHECK_BYTES(line + 1, event->wire, event->wire_length, "boot event bytes");
    }
}

static void check_hellos(void)
{
    const struct {
        const char *request, *response;
        uint8_t max_minor;
    } pairs[] = {
        {"hello-request", "hello-response", 0},
        {"hello-request-1.1", "hello-response-1.1", 1},
        {"hello-request-1.2", "hello-response-1.2", 2},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const golden_vector *hello = golden_vector_named(pairs[i].request);
        boot(pairs[i].max_minor, 1, NULL);
        feed(hello->wire, hello->wire_length);
        check_answer(pairs[i].request, golden_vector_named(pairs[i].response));
        /* HELLO is never cached: the same HELLO again is answered again, by a new HELLO. */
        feed(hello->wire, hello->wire_length);
        check_answer("the same HELLO again", golden_vector_named(pairs[i].response));
    }
}

static void check_hello_required(void)
{
    /* The vector: NAK to MVM seq 5 after a reboot with boot counter 2. */
    const golden_vector *mvm = golden_vector_named("mvm-request");
    boot(2, 2, echo);
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    size_t length = request(wire, 5, mvm->opcode, mvm->payload, (uint32_t)mvm->payload_length);
    feed(wire, length);
    check_answer("MVM before HELLO", golden_vector_named("hello-required-nak"));
    CHECK(session.executed == 0, "executed %u requests before HELLO", (unsigned)session.executed);
}

static void check_newer_opcode(void)
{
    const golden_vector *hello = golden_vector_named("hello-request-1.1");
    const golden_vector *packed = golden_vector_named("mvm-packed-request");
    boot(2, 1, echo);
    feed(hello->wire, hello->wire_length);
    feed(packed->wire, packed->wire_length);
    check_answer("MVM_PACKED in a 1.1 session", golden_vector_named("unknown-opcode-nak-1.1"));
    CHECK(session.executed == 0, "MVM_PACKED at 1.1 was executed");
}

static void check_cache(void)
{
    const golden_vector *hello = golden_vector_named("hello-request-1.2");
    const golden_vector *mvm = golden_vector_named("mvm-request");
    boot(2, 1, echo);
    feed(hello->wire, hello->wire_length);

    /* MVM is a long request: ACK WORKING (empty payload), then the answer. */
    uint8_t first[64];
    size_t first_length = feed(mvm->wire, mvm->wire_length);
    CHECK(first_length > 0 && first_length <= sizeof first, "an answer to MVM");
    memcpy(first, line, first_length < sizeof first ? first_length : sizeof first);
    CHECK(session.executed == 1, "executed %u", (unsigned)session.executed);
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    size_t working_length = 0;
    while (working_length < first_length && aimc_frame_decoder_push(&reader, first[working_length++]) != AIMC_FRAME_OK) {
    }
    CHECK(reader.header.kind == AIMC_KIND_ACK && reader.header.flags == AIMC_FLAG_WORKING &&
              reader.header.length == 0 && reader.header.sequence == mvm->sequence,
          "the first frame is ACK WORKING of the MVM");

    /* A retry (same sequence, opcode, payload), after line noise: the same answer bytes, without WORKING (nothing
     * executes), and not executed again. */
    const uint8_t noise[] = {0x13, 0x37, 0x00};
    CHECK(feed(noise, sizeof noise) == 0, "noise is not answered");
    size_t answer_length = first_length - working_length;
    CHECK(feed(mvm->wire, mvm->wire_length) == answer_length &&
              memcmp(line, first + working_length, answer_length) == 0,
          "the retry is answered byte for byte");
    CHECK(session.executed == 1, "the retry executed again (%u)", (unsigned)session.executed);

    /* The same sequence with another payload, or another opcode, is a new request. */
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    uint8_t other[24];
    memcpy(other, mvm->payload, sizeof other);
    other[23] ^= 1;
    feed(wire, request(wire, mvm->sequence, mvm->opcode, other, sizeof other));
    CHECK(session.executed == 2, "another payload is a new request (%u)", (unsigned)session.executed);
    feed(wire, request(wire, mvm->sequence, 0x0030, NULL, 0));
    CHECK(session.executed == 3, "another opcode is a new request (%u)", (unsigned)session.executed);
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_RSP && reader.header.opcode == 0x0030 &&
              aimc_read_u16(reader.payload) == 0x0030,
          "the CLOCK_GET answer is the executor's");

    /* What the session answers itself (an ACK to a BEGIN, a NAK TRANSFER to a COMMIT without one) does not touch
     * the cached answer in a response buffer. This session has none: its answers share the small
     * buffer with the session's NAKs, so the NAK drops the cache and the retried CLOCK_GET executes again, answered
     * with its own bytes (it was answered with the NAK's, as an RSP). */
    aimc_frame_header begin = {1, AIMC_KIND_REQ, 40, 0x0010, AIMC_FLAG_BEGIN, 0};
    size_t begin_length = 0;
    uint8_t descriptor[8] = {0};
    CHECK(aimc_frame_encode(&begin, descriptor, sizeof descriptor, wire, sizeof wire, &begin_length), "BEGIN");
    feed(wire, begin_length);
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_ACK, "BEGIN of an empty object: ACK");
    aimc_frame_header commit = {1, AIMC_KIND_REQ, 41, 0x0010, AIMC_FLAG_COMMIT, 0};
    CHECK(aimc_frame_encode(&commit, descriptor, sizeof descriptor, wire, sizeof wire, &begin_length), "COMMIT");
    feed(wire, begin_length);
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_NAK && aimc_read_u16(reader.payload) == 7,
          "COMMIT without its BEGIN: NAK TRANSFER");
    feed(wire, request(wire, mvm->sequence, 0x0030, NULL, 0));
    CHECK(session.executed == 4, "after the session's NAK the CLOCK_GET retry executes again (%u)",
          (unsigned)session.executed);
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_RSP && reader.header.opcode == 0x0030 &&
              reader.header.length == 6 && aimc_read_u16(reader.payload) == 0x0030 &&
              aimc_read_u32(reader.payload + 2) == 0,
          "the CLOCK_GET retry is answered with its own bytes, not the session's NAK");

    /* HELLO clears the cache: the host's sequence numbers restart. */
    feed(hello->wire, hello->wire_length);
    feed(mvm->wire, mvm->wire_length);
    CHECK(session.executed == 5, "after HELLO the request executes again (%u)", (unsigned)session.executed);
}

static void check_negotiation(void)
{
    /* A host offering 100 bytes and window 2: the answer says so, and a 101-byte payload is overlong from then on. */
    boot(2, 1, echo);
    uint8_t hello[8] = {1, 2};
    aimc_write_u16(hello + 2, 2);
    aimc_write_u32(hello + 4, 100);
    uint8_t wire[AIMC_FRAME_MAX_WIRE];
    feed(wire, request(wire, 1, AIMC_OPCODE_HELLO, hello, sizeof hello));
    CHECK(session.window == 2 && session.max_payload == 100, "negotiated window %u, max payload %u",
          session.window, (unsigned)session.max_payload);
    uint8_t big[101] = {0};
    CHECK(feed(wire, request(wire, 2, 0x0030, big, sizeof big)) == 0, "a 101-byte payload is not answered");
    CHECK(session.decoder.dropped[AIMC_FRAME_ERR_OVERLONG] == 1, "it was dropped as overlong");

    /* Another major: NAK VERSION naming both. */
    hello[0] = 2;
    hello[1] = 0;
    feed(wire, request(wire, 3, AIMC_OPCODE_HELLO, hello, sizeof hello));
    const char expected[] = "the host speaks protocol 2.0, this firmware 1.2";
    CHECK(line_length > 0, "HELLO of major 2 is answered");
    CHECK(decode_line() == AIMC_FRAME_OK && reader.header.kind == AIMC_KIND_NAK && aimc_read_u16(reader.payload) == 0x0005 &&
              reader.header.length == 2 + strlen(expected) &&
              memcmp(reader.payload + 2, expected, strlen(expected)) == 0,
          "NAK VERSION with \"%s\"", expected);
}

int main(void)
{
    /* The schema hashes the session sends are the page's (for the minors this firmware speaks; newer ones it never sends). */
    for (size_t i = 0; i < GOLDEN_SCHEMA_COUNT; i++) {
        if (golden_schemas[i].minor > AIMC_SESSION_MAX_MINOR) {
            continue;
        }
        CHECK(aimc_schema_hash((uint8_t)golden_schemas[i].minor) == golden_schemas[i].crc, "schema hash of 1.%u",
              golden_schemas[i].minor);
    }
    check_boot_event();
    check_hellos();
    check_hello_required();
    check_newer_opcode();
    check_cache();
    check_negotiation();
    return check_result("session");
}
