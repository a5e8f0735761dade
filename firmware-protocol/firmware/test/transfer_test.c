/* The session with the requests of the soft chip and object buffers attached (as the firmware runs): ACK WORKING
 * before long requests, duplicates answered from the cache, bulk uploads (BEGIN, DATA in and out of order, COMMIT,
 * their retries and errors), bulk downloads (RSP BEGIN, DATA on each ACK, RESEND), AUTH without a secret, and the
 * idle timeout. */
#include "check.h"
#include "crc32c.h"
#include "frame.h"
#include "payload.h"
#include "requests.h"
#include "session.h"
#include "soft_chip.h"

static aimc_session session;
static aimc_soft_chip soft;
static aimc_requests requests;
static uint8_t upload[8192];
static uint8_t response[32768];

/* Every frame the session wrote since the last feed, decoded. */
#define MAX_FRAMES 64
static aimc_frame_decoder reader;
static aimc_frame_header frames[MAX_FRAMES];
static uint8_t payloads[MAX_FRAMES][AIMC_FRAME_MAX_PAYLOAD];
static size_t frame_count;
static size_t wire_bytes;

static void capture(void *context, const uint8_t *bytes, size_t count)
{
    (void)context;
    wire_bytes += count;
    for (size_t i = 0; i < count; i++) {
        if (aimc_frame_decoder_push(&reader, bytes[i]) == AIMC_FRAME_OK && frame_count < MAX_FRAMES) {
            frames[frame_count] = reader.header;
            memcpy(payloads[frame_count], reader.payload, reader.header.length);
            frame_count++;
        }
    }
}

static void send_frame(uint8_t kind, uint16_t sequence, uint16_t opcode, uint16_t flags, const uint8_t *payload,
                       uint32_t length)
{
    static uint8_t wire[AIMC_FRAME_MAX_WIRE];
    aimc_frame_header header = {1, kind, sequence, opcode, flags, 0};
    size_t wire_length = 0;
    CHECK(aimc_frame_encode(&header, payload, length, wire, sizeof wire, &wire_length), "encode");
    frame_count = 0;
    wire_bytes = 0;
    for (size_t i = 0; i < wire_length; i++) {
        aimc_session_receive(&session, wire[i]);
    }
}

static void descriptor(uint8_t *out, const uint8_t *object, uint32_t length)
{
    aimc_write_u32(out, length);
    aimc_write_u32(out + 4, aimc_crc32c(object, length));
}

/* Boots and greets at 1.2 with the host's max payload and window. */
static void start_at(uint32_t now_ms, uint32_t max_payload, uint16_t window)
{
    char why[128];
    aimc_soft_config config = aimc_soft_default_config();
    const aimc_chip *chip = aimc_soft_chip_init(&soft, &config, why, sizeof why);
    CHECK(chip != NULL && aimc_requests_init(&requests, chip), "soft chip");
    aimc_identity id = {2, 8, 4096, 0x000100, aimc_requests_capabilities(chip), 7, "transfer test", 1000, 60000, 1U << 26};
    aimc_frame_decoder_init(&reader, AIMC_FRAME_MAX_PAYLOAD);
    aimc_session_attach(&session, upload, sizeof upload, response, sizeof response);
    aimc_session_boot(&session, &id, capture, aimc_requests_execute, &requests);
    aimc_session_tick(&session, now_ms);
    uint8_t hello[8] = {1, 2};
    aimc_write_u16(hello + 2, window);
    aimc_write_u32(hello + 4, max_payload);
    send_frame(AIMC_KIND_REQ, 1, AIMC_OPCODE_HELLO, 0, hello, sizeof hello);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_RSP, "HELLO answered");
    /* max_object_bytes: lowered from the identity's 64 MiB to the upload buffer. */
    CHECK(frame_count == 1 && aimc_read_u32(payloads[0] + 26 + 13 + 8) == sizeof upload, "HELLO advertises %u bytes",
          frame_count == 1 ? (unsigned)aimc_read_u32(payloads[0] + 26 + 13 + 8) : 0U);
}

static void start(uint32_t max_payload, uint16_t window)
{
    start_at(0, max_payload, window);
}

static bool is_nak(size_t index, uint16_t code, const char *message)
{
    size_t text = strlen(message);
    return index < frame_count && frames[index].kind == AIMC_KIND_NAK && frames[index].length == 2 + text &&
           aimc_read_u16(payloads[index]) == code && memcmp(payloads[index] + 2, message, text) == 0;
}

static void check_working_and_retry(void)
{
    start(4096, 8);
    uint8_t mvm[12 + 4 * 32] = {0};
    aimc_write_u32(mvm + 4, 1);
    aimc_write_u32(mvm + 8, 32);
    send_frame(AIMC_KIND_REQ, 2, AIMC_OPCODE_MVM, 0, mvm, sizeof mvm);
    CHECK(frame_count == 2 && frames[0].kind == AIMC_KIND_ACK && frames[0].flags == AIMC_FLAG_WORKING &&
              frames[0].length == 0 && frames[1].kind == AIMC_KIND_RSP && frames[1].sequence == 2,
          "MVM: ACK WORKING, then RSP");
    uint32_t executed = session.executed;
    size_t first = wire_bytes;
    send_frame(AIMC_KIND_REQ, 2, AIMC_OPCODE_MVM, 0, mvm, sizeof mvm);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_RSP && session.executed == executed && wire_bytes < first,
          "the duplicate: the cached RSP alone, not executed");
    send_frame(AIMC_KIND_REQ, 3, AIMC_OPCODE_CLOCK_GET, 0, NULL, 0);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_RSP, "CLOCK_GET: no WORKING");
    send_frame(AIMC_KIND_REQ, 4, AIMC_OPCODE_AUTH, 0, mvm, 64);
    CHECK(is_nak(0, AIMC_NAK_UNSUPPORTED, "this rig needs no shared secret; send no AUTH"), "AUTH: NAK UNSUPPORTED");
}

/* A 32x32 PROGRAM (4 KB of targets and a 26-byte header) uploaded in 60-byte chunks at max payload 64, its
 * 16 KB report downloaded likewise. */
static void check_upload_and_download(void)
{
    start(64, 4);
    static uint8_t object[4096 + 64];
    aimc_writer w;
    aimc_writer_init(&w, object, sizeof object);
    aimc_put_i32(&w, 0);
    aimc_put_bool(&w, false);
    aimc_put_bool(&w, true);
    aimc_put_f64(&w, 0.02);
    aimc_put_i32(&w, 100);
    aimc_put_i32(&w, 32);
    aimc_put_i32(&w, 32);
    for (int k = 0; k < 1024; k++) {
        aimc_put_f32(&w, (float)((k % 15) - 7) / 7.0f);
    }
    uint32_t length = w.at;
    uint8_t d[8];
    descriptor(d, object, length);

    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_COMMIT, d, sizeof d);
    CHECK(is_nak(0, AIMC_NAK_TRANSFER, "COMMIT of sequence 5 without a matching BEGIN"), "COMMIT before BEGIN");
    /* A NAK of the executor longer than the max payload of 64 is cut to it, never sent as a bulk object. */
    uint8_t budget[26] = {0};
    budget[5] = 1;
    aimc_write_u32(budget + 14, 5000);
    send_frame(AIMC_KIND_REQ, 4, AIMC_OPCODE_PROGRAM, 0, budget, sizeof budget);
    CHECK(frame_count == 2 && frames[1].kind == AIMC_KIND_NAK && frames[1].length == 64 &&
              aimc_read_u16(payloads[1]) == AIMC_NAK_CHIP &&
              memcmp(payloads[1] + 2, "write-verify budget of 5000 pulses per device: this rig allows 1", 62) == 0,
          "a long CHIP NAK is cut at 64 bytes");
    uint8_t huge[8];
    aimc_write_u32(huge, sizeof upload + 1);
    aimc_write_u32(huge + 4, 0);
    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, huge, sizeof huge);
    CHECK(is_nak(0, AIMC_NAK_TOO_LARGE, "a 8193-byte object exceeds the 8192 bytes this rig can hold"), "too large");
    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, d, 7);
    CHECK(is_nak(0, AIMC_NAK_BAD_PAYLOAD, "the payload ends 1 bytes early"), "a 7-byte descriptor");

    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, d, sizeof d);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_ACK && aimc_read_u32(payloads[0]) == 0 &&
              aimc_read_u16(payloads[0] + 4) == 4,
          "BEGIN: ACK {0, window 4}");
    uint8_t chunk[64];
    uint32_t sent = 0, step = 60;
    int rounds = 0;
    while (sent < length) {
        uint32_t count = length - sent < step ? length - sent : step;
        aimc_write_u32(chunk, sent);
        memcpy(chunk + 4, object + sent, count);
        send_frame(AIMC_KIND_DATA, 5, AIMC_OPCODE_PROGRAM, 0, chunk, 4 + count);
        CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_ACK && aimc_read_u32(payloads[0]) == sent + count,
              "DATA at %u acknowledged", (unsigned)sent);
        if (rounds == 3) {
            /* A repeated chunk and one from the future are ignored; each is answered with what arrived. */
            send_frame(AIMC_KIND_DATA, 5, AIMC_OPCODE_PROGRAM, 0, chunk, 4 + count);
            CHECK(frame_count == 1 && aimc_read_u32(payloads[0]) == sent + count, "a repeated chunk is ignored");
            aimc_write_u32(chunk, sent + 2 * count);
            send_frame(AIMC_KIND_DATA, 5, AIMC_OPCODE_PROGRAM, 0, chunk, 4 + count);
            CHECK(frame_count == 1 && aimc_read_u32(payloads[0]) == sent + count, "a chunk from ahead is ignored");
            /* A COMMIT now is premature. */
            send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_COMMIT, d, sizeof d);
            CHECK(is_nak(0, AIMC_NAK_TRANSFER, "COMMIT of sequence 5 after 240 of 4122 bytes"), "early COMMIT: %.*s",
                  (int)frames[0].length - 2, (const char *)payloads[0] + 2);
            /* A retried BEGIN resumes. */
            send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, d, sizeof d);
            CHECK(frame_count == 1 && aimc_read_u32(payloads[0]) == 240, "a retried BEGIN: ACK {240}");
        }
        sent += count;
        rounds++;
    }
    uint32_t executed = session.executed;
    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_COMMIT, d, sizeof d);
    CHECK(frame_count == 2 && frames[0].kind == AIMC_KIND_ACK && frames[0].flags == AIMC_FLAG_WORKING &&
              frames[1].kind == AIMC_KIND_RSP && frames[1].flags == AIMC_FLAG_BEGIN && frames[1].length == 8,
          "COMMIT: WORKING, then RSP BEGIN with a descriptor");
    CHECK(session.executed == executed + 1 && soft.level[1] == -6 && soft.level[1023] == (1023 % 15) - 7,
          "the uploaded PROGRAM ran once");
    uint32_t report_length = aimc_read_u32(payloads[1]);
    uint32_t report_crc = aimc_read_u32(payloads[1] + 4);
    CHECK(report_length == 12 + 16 * 1024 + 12, "a %u-byte report", (unsigned)report_length);

    /* The download: each ACK {offset, credit 2} brings the chunks up to offset + 2 * 60. */
    static uint8_t report[32768];
    uint32_t received = 0;
    uint8_t ack[6];
    int acks = 0;
    while (received < report_length && acks < 1000) {
        aimc_write_u32(ack, received);
        aimc_write_u16(ack + 4, 2);
        send_frame(AIMC_KIND_ACK, 5, AIMC_OPCODE_PROGRAM, 0, ack, sizeof ack);
        acks++;
        for (size_t f = 0; f < frame_count; f++) {
            CHECK(frames[f].kind == AIMC_KIND_DATA && frames[f].length <= 64, "DATA within the max payload");
            uint32_t at = aimc_read_u32(payloads[f]);
            if (at == received && frames[f].length > 4) {
                memcpy(report + received, payloads[f] + 4, frames[f].length - 4U);
                received += frames[f].length - 4U;
            }
        }
        if (acks == 1) {
            CHECK(frame_count == 2, "the first ACK brings 2 chunks (%zu)", frame_count);
            /* The same ACK again sends nothing new (already sent); RESEND sends from the offset again. */
            aimc_write_u32(ack, 0);
            send_frame(AIMC_KIND_ACK, 5, AIMC_OPCODE_PROGRAM, 0, ack, sizeof ack);
            CHECK(frame_count == 0, "a repeated ACK: nothing sent again");
            send_frame(AIMC_KIND_ACK, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_RESEND, ack, sizeof ack);
            CHECK(frame_count == 2 && aimc_read_u32(payloads[0]) == 0, "RESEND: from offset 0 again");
        }
    }
    CHECK(received == report_length && aimc_crc32c(report, report_length) == report_crc,
          "the report arrives whole and matches its CRC");
    CHECK(aimc_read_u32(report + 12 + 16 * 1024) == 4096, "4096 pulses in the report");

    /* A retried COMMIT: the descriptor again from the cache, not executed; a retried BEGIN: ACK {length}. */
    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_COMMIT, d, sizeof d);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_RSP && frames[0].flags == AIMC_FLAG_BEGIN &&
              session.executed == executed + 1,
          "a retried COMMIT is answered from the cache");
    send_frame(AIMC_KIND_REQ, 5, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, d, sizeof d);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_ACK && aimc_read_u32(payloads[0]) == length,
          "BEGIN of the object already executed: ACK {length}");

    /* An object whose bytes do not match its CRC: NAK TRANSFER, and not cached. */
    d[4] ^= 1;
    send_frame(AIMC_KIND_REQ, 6, AIMC_OPCODE_PROGRAM, AIMC_FLAG_BEGIN, d, sizeof d);
    for (sent = 0; sent < length; sent += step) {
        uint32_t count = length - sent < step ? length - sent : step;
        aimc_write_u32(chunk, sent);
        memcpy(chunk + 4, object + sent, count);
        send_frame(AIMC_KIND_DATA, 6, AIMC_OPCODE_PROGRAM, 0, chunk, 4 + count);
    }
    send_frame(AIMC_KIND_REQ, 6, AIMC_OPCODE_PROGRAM, AIMC_FLAG_COMMIT, d, sizeof d);
    char expected[80];
    snprintf(expected, sizeof expected, "the object of sequence 6 does not match its CRC 0x%08X",
             (unsigned)aimc_read_u32(d + 4));
    CHECK(is_nak(0, AIMC_NAK_TRANSFER, expected), "CRC mismatch: %s", expected);
    CHECK(session.executed == executed + 1, "nothing executed");
}

static void check_idle_timeout(void)
{
    start(4096, 8);
    aimc_session_tick(&session, 1000);
    send_frame(AIMC_KIND_REQ, 2, AIMC_OPCODE_CLOCK_GET, 0, NULL, 0);
    CHECK(frame_count == 1 && frames[0].kind == AIMC_KIND_RSP, "a request at 1 s");
    /* Half a frame is not activity. */
    aimc_session_receive(&session, 0x05);
    aimc_session_receive(&session, 0x01);
    aimc_session_tick(&session, 60999);
    CHECK(session.hello_seen, "59.999 s after the last frame: still greeted");
    aimc_session_tick(&session, 61000);
    CHECK(!session.hello_seen && session.idle_resets == 1, "60 s after the last frame: the session is reset");
    send_frame(AIMC_KIND_REQ, 3, AIMC_OPCODE_CLOCK_GET, 0, NULL, 0);
    CHECK(is_nak(0, AIMC_NAK_HELLO_REQUIRED, "the rig booted (boot counter 7) and serves nothing before HELLO"),
          "the next request: HELLO_REQUIRED");
    /* The millisecond clock wraps: differences still count. */
    start_at(0xFFFFFF00U, 4096, 8);
    send_frame(AIMC_KIND_REQ, 2, AIMC_OPCODE_CLOCK_GET, 0, NULL, 0);
    aimc_session_tick(&session, 1000);
    CHECK(session.hello_seen, "1.3 s across the wrap: still greeted");
}

int main(void)
{
    check_working_and_retry();
    check_upload_and_download();
    check_idle_timeout();
    return check_result("transfer");
}
