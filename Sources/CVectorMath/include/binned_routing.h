#ifndef REFINERY_BINNED_ROUTING_H
#define REFINERY_BINNED_ROUTING_H

#include <stdint.h>

/// Events per word of the routing's bit masks; a column block must hold a multiple of it.
#define REFINERY_ROUTING_WORD 64

/// The leaves of `count` binned events through one tree, from codes stored column by column
/// within words of 64 events: event e's code of feature f is
/// columns[((e / 64) * featureCount + f) * 64 + e % 64], readable up to the next multiple of 64
/// past `count`. A word's columns are contiguous and words follow each other, so the codes are
/// read as one sequential stream.
///
/// Tree: splits 0..<splitCount with feature[n] and bin[n] ("code ≤ bin goes left"), children
/// children[2n] (left) and children[2n + 1] (right); a child ≥ splitCount is leaf
/// (child − splitCount). Children come after their parent (as ``BPTTree`` validates).
///
/// For 64 events at a time each split compares one column with its bin in 16-byte vector
/// compares, and the events reaching a node are a 64-bit mask: a child's mask is its parent's
/// and-ed with the compare's (right) or its complement (left). Each event costs about one
/// instruction per split instead of a dependent load chain per level. `scratch` holds
/// splitCount masks.
void refinery_route_columns(const uint8_t *columns, long featureCount, long count, const int32_t *feature,
                            const int32_t *bin, const int32_t *children, long splitCount, uint64_t *scratch,
                            int32_t *leaves);

#endif
