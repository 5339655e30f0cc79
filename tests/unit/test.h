/* A tiny unit-test harness: TEST(name) functions registered by RUN(name) in main; prints TAP-like lines
 * ("ok N - name" / "not ok N - name") that tests/run.sh counts, and exits non-zero on any failure. */
#ifndef CAIRN_TEST_H
#define CAIRN_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_ = 0, test_count_ = 0, test_total_failed_ = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);             \
            test_failed_ = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,  \
                    a_, #b, b_);                                                                   \
            test_failed_ = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,    \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                       \
            test_failed_ = 1;                                                                      \
        }                                                                                          \
    } while (0)

/* Checks that a Status-returning call succeeded; prints the Error message otherwise. */
#define CHECK_OK(call, errp)                                                                       \
    do {                                                                                           \
        if ((call) != 0) {                                                                         \
            fprintf(stderr, "  %s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, (errp)->msg);   \
            test_failed_ = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                                                  \
    do {                                                                                           \
        test_failed_ = 0;                                                                          \
        test_##name();                                                                             \
        test_count_++;                                                                             \
        if (test_failed_) test_total_failed_++;                                                    \
        printf("%s %d - %s\n", test_failed_ ? "not ok" : "ok", test_count_, #name);                \
        fflush(stdout);                                                                            \
    } while (0)

#define TEST_EXIT() return test_total_failed_ ? 1 : 0

#endif
