/* What the session tests share: a session whose line is captured, an executor that echoes, the virtual rig's
 * identity (the golden HELLO answers describe it), and feeding, encoding and decoding frames. Include after check.h,
 * golden_vectors.h and session.h. */
#ifndef AIMC_TEST_SESSION_LINE_H
#define AIMC_TEST_SESSION_LINE_H

static aimc_session session;
static uint8_t line[2 * AIMC_FRAME_MAX_WIRE];
static size_t line_length;

static void capture(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    if (line_length + count <= sizeof line) {
        memcpy(line + line_length, bytes, count);
    }
    line_length += count;
}

/* Answers every request RSP with its opcode and payload length, so each answer differs. */
static uint32_t echo(void *context, uint8_t minor, uint16_t opcode, const uint8_t *payload, uint32_t length,
                     uint8_t *answer, uint32_t capacity, uint8_t *kind)
{
    (void)context;
    (void)minor;
    (void)payload;
    (void)capacity;
    aimc_write_u16(answer, opcode);
    aimc_write_u32(answer + 2, length);
    *kind = AIMC_KIND_RSP;
    return 6;
}

/* The identity the golden HELLO answers describe: the virtual rig. */
static aimc_identity virtual_rig(uint8_t max_minor, uint32_t boot_counter)
{
    aimc_identity id = {max_minor, 8, 4096, 0x010000, AIMC_CAP_RESEED | AIMC_CAP_VIRTUAL_CLOCK, boot_counter,
                        "aimc-hil virtual rig", 1000, 60000, 67108864};
    return id;
}

static void boot(uint8_t max_minor, uint32_t boot_counter, aimc_execute_fn execute)
{
    aimc_identity id = virtual_rig(max_minor, boot_counter);
    line_length = 0;
    aimc_session_boot(&session, &id, capture, execute, NULL);
}

/* Feeds wire bytes and returns what the session wrote in answer. */
static size_t feed(const uint8_t *wire, size_t count)
{
    line_length = 0;
    for (size_t i = 0; i < count; i++) {
        aimc_session_receive(&session, wire[i]);
    }
    return line_length;
}

static void check_answer(const char *what, const golden_vector *expected)
{
    CHECK(line_length == expected->wire_length, "%s: answered %zu bytes, %s is %zu", what, line_length,
          expected->name, expected->wire_length);
    if (line_length == expected->wire_length) {
        CHECK_BYTES(line, expected->wire, line_length, "%s: answer bytes differ from %s", what, expected->name);
    }
}

/* Decodes what the session wrote last as one frame into reader; returns its status. */
static aimc_frame_decoder reader;
static aimc_frame_status decode_line(void)
{
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_frame_status status = AIMC_FRAME_NONE;
    for (size_t i = 0; i < line_length && i < sizeof line; i++) {
        status = aimc_frame_decoder_push(&reader, line[i]);
    }
    return status;
}

/* A request frame's wire bytes. */
static size_t request(uint8_t *wire, uint16_t sequence, uint16_t opcode, const uint8_t *payload, uint32_t length)
{
    aimc_frame_header header = {1, AIMC_KIND_REQ, sequence, opcode, 0, 0};
    size_t wire_length = 0;
    CHECK(aimc_frame_encode(&header, payload, length, wire, AIMC_FRAME_MAX_WIRE, &wire_length), "encode request");
    return wire_length;
}

#endif
