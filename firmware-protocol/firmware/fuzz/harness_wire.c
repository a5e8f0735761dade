/* The harness's uninstrumented copy of the frame codec: see harness_wire.h. */
#include "harness_wire.h"

#include "crc32c.c"
#include "cobs.c"
#include "frame.c"
