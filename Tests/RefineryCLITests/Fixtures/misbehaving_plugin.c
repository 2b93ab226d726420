/* A reweighting plugin that misbehaves in one way, chosen at compile time, at base point
 * ν = +1 (the second one). Used by PluginFailureTests; each -D flag names the failure. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "refinery_plugin.h"

static const char *nuisances[] = {"nu_bad"};
#ifdef RANK_DEFICIENT
static const int32_t degrees[] = {1, 2};
static const int32_t parameters[] = {0, 0, 0};
static const double base_points[] = {1.0};
#define TERMS 2
#define POINTS 1
#else
static const int32_t degrees[] = {1};
static const int32_t parameters[] = {0};
static const double base_points[] = {-1.0, 1.0};
#define TERMS 1
#define POINTS 2
#endif

static void report(char *error, size_t capacity, const char *message) {
    if (error && capacity > 0) { strncpy(error, message, capacity - 1); error[capacity - 1] = 0; }
}

static int32_t describe(const char *config, refinery_spec *spec, char *error, size_t capacity) {
    (void)config; (void)error; (void)capacity;
    spec->nuisance_count = 1; spec->nuisance_names = nuisances;
    spec->term_count = TERMS; spec->term_degrees = degrees; spec->term_parameters = parameters;
    spec->base_point_count = POINTS; spec->base_points = base_points;
    spec->trees = 10; spec->learning_rate = 0.2; spec->max_depth = 3; spec->min_node_size = 50;
#ifdef MILLION_BASE_POINTS
    static double many[1000000];
    for (int i = 0; i < 1000000; i++) many[i] = (i % 2 ? 1.0 : -1.0) * (1 + i / 2);
    spec->base_point_count = 1000000; spec->base_points = many;
#endif
#ifdef NAN_BASE_POINT
    static const double nan_points[] = {-1.0, NAN};
    spec->base_points = nan_points;
#endif
#ifdef INFINITE_LEARNING_RATE
    spec->learning_rate = INFINITY;
#endif
    return REFINERY_OK;
}

static int32_t create(const char *config, const refinery_host_services *host, void **instance, char *error, size_t capacity) {
    (void)config; (void)host; (void)error; (void)capacity;
    *instance = malloc(1);
    return REFINERY_OK;
}

static int32_t produce(void *instance, const refinery_sample *nominal, const double *nu, refinery_dataset *out,
                       char *error, size_t capacity) {
    (void)instance;
    int bad = nu[0] > 0;
    int64_t n = nominal->count;
#ifdef ERROR_STATUS
    if (bad) { report(error, capacity, "calibration table for this point is missing"); return REFINERY_ERROR_INPUT; }
#endif
#ifdef SEGFAULT
    if (bad) { volatile int *p = NULL; *p = 42; }
#endif
#ifdef WRONG_LENGTH
    if (bad) n -= 7;
#endif
    double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    for (int64_t i = 0; i < n; i++) w[i] = nominal->w[i] * (1.0 + 0.01 * nu[0]);
#ifdef NAN_WEIGHT
    if (bad) w[3] = NAN;
#endif
#ifdef INFINITE_WEIGHT
    if (bad) w[5] = INFINITY;
#endif
#ifdef NEGATIVE_WEIGHT
    if (bad) w[2] = -nominal->w[2];
#endif
    (void)error; (void)capacity;
    out->count = n; out->x_width = 0; out->w = w; out->x = NULL; out->pass = NULL;
    return REFINERY_OK;
}

static void release_dataset(void *instance, refinery_dataset *dataset) { (void)instance; free(dataset->w); dataset->w = NULL; }
static void destroy(void *instance) { free(instance); }

/* Builds of one plugin on two machines differ in bytes: -DBUILD_TAG=... stands for that. */
#ifndef BUILD_TAG
#define BUILD_TAG "machine A"
#endif

static const refinery_plugin_descriptor descriptor = {
#ifdef WRONG_ABI
    REFINERY_PLUGIN_ABI_VERSION + 41,
#else
    REFINERY_PLUGIN_ABI_VERSION,
#endif
    "Misbehaving", "0.0.1", "test fixture built on " BUILD_TAG, REFINERY_KIND_REWEIGHT, "{}",
    describe, create, produce, release_dataset, destroy
};

#ifndef NO_ENTRY
const refinery_plugin_descriptor *refinery_plugin_entry(void) { return &descriptor; }
#else
const refinery_plugin_descriptor *some_other_function(void) { return &descriptor; }
#endif
