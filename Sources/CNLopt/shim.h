// NLopt's C API (libnlopt-dev); only Sources/Inference/NLoptMinimizer.swift uses it.
#include <nlopt.h>
