#include <math.h>
#include "vector_math.h"

#if defined(__x86_64__) && defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#include <emmintrin.h>

// The vector-function ABI name of libmvec's 2-lane log1p (SSE4.1 implementation, chosen by
// glibc's IFUNC resolver; the 4- and 8-lane AVX variants round differently in some lanes, so
// one variant is used on every machine that has it).
__m128d _ZGVbN2v_log1p(__m128d);

void refinery_log1p(const double *in, double *out, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(out + i, _ZGVbN2v_log1p(_mm_loadu_pd(in + i)));
    if (i < n) {
        double pair[2] = {in[i], in[i]};
        _mm_storeu_pd(pair, _ZGVbN2v_log1p(_mm_loadu_pd(pair)));
        out[i] = pair[0];
    }
}

const char *refinery_log1p_implementation(void) { return "glibc libmvec _ZGVbN2v_log1p (2 lanes)"; }

#else

void refinery_log1p(const double *in, double *out, long n) {
    for (long i = 0; i < n; i++) out[i] = log1p(in[i]);
}

const char *refinery_log1p_implementation(void) { return "scalar log1p"; }

#endif
