/* The few assertions the CTest executables share: each failed check prints where and what, and main returns the
 * failure count as its exit status (0: the test passed). */
#ifndef AIMC_TEST_CHECK_H
#define AIMC_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures = 0;

#define CHECK(condition, ...)                                                                   \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            check_failures++;                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition);       \
            fprintf(stderr, __VA_ARGS__);                                                       \
            fputc('\n', stderr);                                                                \
        }                                                                                       \
    } while (0)

#define CHECK_BYTES(actual, expected, count, ...)                                               \
    CHECK(memcmp((actual), (expected), (count)) == 0, __VA_ARGS__)

static inline int check_result(const char *test)
{
    if (check_failures == 0) {
        printf("%s: all checks passed\n", test);
    } else {
        printf("%s: %d checks failed\n", test, check_failures);
    }
    return check_failures == 0 ? 0 : 1;
}

#endif
