#include <math.h>
#include "vector_math.h"

#if defined(__x86_64__) && defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#include <immintrin.h>

// The vector-function ABI names of libmvec's log1p: 4 lanes in AVX2 registers and 2 lanes in
// SSE registers. glibc's IFUNC resolver picks each one's implementation for the processor.
__attribute__((target("avx2"))) __m256d _ZGVdN4v_log1p(__m256d);
__m128d _ZGVbN2v_log1p(__m128d);

// The 4-lane variant, compiled for AVX2 so that its ymm registers exist; called only where
// the processor has AVX2.
__attribute__((target("avx2"))) static void log1p_avx2(const double *in, double *out, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, _ZGVdN4v_log1p(_mm256_loadu_pd(in + i)));
    if (i < n) {
        double lanes[4];
        for (int k = 0; k < 4; k++) lanes[k] = in[i + (i + k < n ? k : 0)];
        _mm256_storeu_pd(lanes, _ZGVdN4v_log1p(_mm256_loadu_pd(lanes)));
        for (int k = 0; i + k < n; k++) out[i + k] = lanes[k];
    }
}

static void log1p_sse(const double *in, double *out, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(out + i, _ZGVbN2v_log1p(_mm_loadu_pd(in + i)));
    if (i < n) {
        double pair[2] = {in[i], in[i]};
        _mm_storeu_pd(pair, _ZGVbN2v_log1p(_mm_loadu_pd(pair)));
        out[i] = pair[0];
    }
}

// The features glibc's resolver requires for the 4-lane variant's AVX2 implementation
// (__builtin_cpu_supports reads a table filled once, when the program is loaded).
static int has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

void refinery_log1p(const double *in, double *out, long n) {
    if (has_avx2()) log1p_avx2(in, out, n); else log1p_sse(in, out, n);
}

const char *refinery_log1p_implementation(void) {
    return has_avx2() ? "glibc libmvec _ZGVdN4v_log1p (4 lanes)" : "glibc libmvec _ZGVbN2v_log1p (2 lanes)";
}

#else

void refinery_log1p(const double *in, double *out, long n) {
    for (long i = 0; i < n; i++) out[i] = log1p(in[i]);
}

const char *refinery_log1p_implementation(void) { return "scalar log1p"; }

#endif
