#include "binned_routing.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Bit e set iff p[e] > bin, for e < 64.
static inline uint64_t greater_mask(const uint8_t *p, int32_t bin) {
    if (bin >= 255) return 0;
    if (bin < 0) return ~(uint64_t)0;
#if defined(__SSE2__)
    // Unsigned x > bin  ⇔  max(x, bin + 1) == x.
    const __m128i t = _mm_set1_epi8((char)(uint8_t)(bin + 1));
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, t), x)) << (16 * k);
    }
    return m;
#else
    uint64_t m = 0;
    for (int e = 0; e < 64; e++) m |= (uint64_t)(p[e] > bin) << e;
    return m;
#endif
}

static inline void emit(uint64_t mask, int32_t leaf, int32_t *leaves) {
    while (mask) {
        leaves[__builtin_ctzll(mask)] = leaf;
        mask &= mask - 1;
    }
}

void refinery_route_columns(const uint8_t *columns, long featureCount, long count, const int32_t *feature,
                            const int32_t *bin, const int32_t *children, long splitCount, uint64_t *scratch,
                            int32_t *leaves) {
    for (long base = 0; base < count; base += REFINERY_ROUTING_WORD) {
        long n = count - base < REFINERY_ROUTING_WORD ? count - base : REFINERY_ROUTING_WORD;
        uint64_t valid = n == REFINERY_ROUTING_WORD ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
        int32_t *out = leaves + base;
        const uint8_t *word = columns + base * featureCount;
        // The codes come from memory, not cache (a sample's codes are megabytes, read once per
        // tree): ask for the word after next while this one is routed. Prefetches past the end
        // of the array are harmless.
        for (long f = 0; f < featureCount; f++)
            __builtin_prefetch(word + (2 * featureCount + f) * REFINERY_ROUTING_WORD);
        if (splitCount == 0) {
            for (long e = 0; e < n; e++) out[e] = 0;
            continue;
        }
        scratch[0] = valid;
        for (long s = 0; s < splitCount; s++) {
            uint64_t reach = scratch[s];
            uint64_t right = reach ? reach & greater_mask(word + (long)feature[s] * REFINERY_ROUTING_WORD, bin[s]) : 0;
            uint64_t left = reach & ~right;
            int32_t l = children[2 * s], r = children[2 * s + 1];
            if (l < splitCount) scratch[l] = left; else emit(left, l - (int32_t)splitCount, out);
            if (r < splitCount) scratch[r] = right; else emit(right, r - (int32_t)splitCount, out);
        }
    }
}
