/* The frame codec under other names, for the harness's own side of the wire: framing its records and checking every
 * frame the firmware writes. harness_wire.c compiles a second copy of crc32c.c, cobs.c and frame.c under these names
 * without libFuzzer's instrumentation. With the firmware's instrumented copy, the harness's own encoding and decoding
 * took about 40% of session_fuzz's time (perf, mostly comparison tracing) and added coverage features of code that
 * is not under test there; frame_fuzz fuzzes the codec itself. Include this before any firmware header. */
#ifndef AIMC_HARNESS_WIRE_H
#define AIMC_HARNESS_WIRE_H

#define aimc_crc32c_update harness_crc32c_update
#define aimc_crc32c_final harness_crc32c_final
#define aimc_crc32c harness_crc32c
#define aimc_cobs_encoder_begin harness_cobs_encoder_begin
#define aimc_cobs_encoder_put harness_cobs_encoder_put
#define aimc_cobs_encoder_finish harness_cobs_encoder_finish
#define aimc_cobs_decoder_begin harness_cobs_decoder_begin
#define aimc_cobs_decoder_put harness_cobs_decoder_put
#define aimc_cobs_decoder_finish harness_cobs_decoder_finish
#define aimc_cobs_encode harness_cobs_encode
#define aimc_cobs_decode harness_cobs_decode
#define aimc_read_u16 harness_read_u16
#define aimc_read_u32 harness_read_u32
#define aimc_write_u16 harness_write_u16
#define aimc_write_u32 harness_write_u32
#define aimc_frame_status_name harness_frame_status_name
#define aimc_frame_decoder_init harness_frame_decoder_init
#define aimc_frame_decoder_set_max_payload harness_frame_decoder_set_max_payload
#define aimc_frame_decoder_push harness_frame_decoder_push
#define aimc_frame_encode harness_frame_encode
#define aimc_frame_encode_parts harness_frame_encode_parts

#include "crc32c.h"
#include "frame.h"

#endif
