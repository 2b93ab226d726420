#ifndef REFINERY_VECTOR_MATH_H
#define REFINERY_VECTOR_MATH_H

/// out[i] = log1p(in[i]) for i < n, through glibc's vector math library (libmvec) where it has
/// log1p (x86-64, glibc ≥ 2.35): its 4-lane AVX2 variant on processors with AVX2 and FMA (about
/// eight times the throughput of the scalar log1p), its 2-lane SSE variant elsewhere. Every
/// element of a call goes through the same variant (a short last group is computed in padded
/// lanes), so on one machine a value never depends on its position or on how a caller cut its
/// array, whatever the thread count. The two variants can round the last bit differently (a
/// few values in 10⁶), so machines with and without AVX2 may differ there. Elsewhere the scalar
/// log1p.
void refinery_log1p(const double *in, double *out, long n);

/// Which implementation `refinery_log1p` uses, for benchmark output.
const char *refinery_log1p_implementation(void);

#endif
