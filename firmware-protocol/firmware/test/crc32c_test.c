/* CRC-32C against the closed-form check values PROTOCOL.md section 2.2 quotes. */
#include "check.h"
#include "crc32c.h"

int main(void)
{
    const uint8_t digits[] = "123456789";
    CHECK(aimc_crc32c(digits, 9) == 0xE3069283U, "check value of \"123456789\" is 0x%08X", aimc_crc32c(digits, 9));

    uint8_t zeros[32] = {0};
    CHECK(aimc_crc32c(zeros, sizeof zeros) == 0x8A9136AAU, "32 zero bytes give 0x%08X (RFC 3720 B.4: 0x8A9136AA)",
          aimc_crc32c(zeros, sizeof zeros));

    uint8_t ones[32];
    memset(ones, 0xFF, sizeof ones);
    CHECK(aimc_crc32c(ones, sizeof ones) == 0x62A8AB43U, "32 0xFF bytes give 0x%08X (RFC 3720 B.4: 0x62A8AB43)",
          aimc_crc32c(ones, sizeof ones));

    CHECK(aimc_crc32c(NULL, 0) == 0x00000000U, "no bytes: init xor xorout is 0, got 0x%08X", aimc_crc32c(NULL, 0));

    /* Split runs give the one-buffer CRC: the frame encoder feeds header and payload separately. */
    uint32_t state = aimc_crc32c_update(AIMC_CRC32C_INIT, digits, 4);
    state = aimc_crc32c_update(state, digits + 4, 5);
    CHECK(aimc_crc32c_final(state) == 0xE3069283U, "split 4 + 5 gives 0x%08X", aimc_crc32c_final(state));

    return check_result("crc32c");
}
