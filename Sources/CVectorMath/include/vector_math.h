#ifndef REFINERY_VECTOR_MATH_H
#define REFINERY_VECTOR_MATH_H

/// out[i] = log1p(in[i]) for i < n, through glibc's vector math library (libmvec) where it has
/// log1p (x86-64, glibc ≥ 2.35): its 2-lane SSE variant, about four times the throughput of
/// the scalar log1p. Every element goes through the same variant (a lone last element is
/// computed in a padded pair), so a value never depends on its position or on how a caller cut
/// its array. Elsewhere the scalar log1p.
void refinery_log1p(const double *in, double *out, long n);

/// Which implementation `refinery_log1p` uses, for benchmark output.
const char *refinery_log1p_implementation(void);

#endif
