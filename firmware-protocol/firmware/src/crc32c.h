/* CRC-32C (Castagnoli) as PROTOCOL.md section 2.2 specifies: reflected polynomial 0x82F63B78, init and xorout
 * 0xFFFFFFFF. Check value of ASCII "123456789" is 0xE3069283. */
#ifndef AIMC_CRC32C_H
#define AIMC_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The register before any byte: start a running CRC with this, feed it to aimc_crc32c_update, end with
 * aimc_crc32c_final. Split so a frame's CRC can run over header and payload without copying them together. */
#define AIMC_CRC32C_INIT 0xFFFFFFFFU

uint32_t aimc_crc32c_update(uint32_t state, const uint8_t *bytes, size_t count);
uint32_t aimc_crc32c_final(uint32_t state);

/* The CRC-32C of one buffer. */
uint32_t aimc_crc32c(const uint8_t *bytes, size_t count);

#endif
