/*
 * refinery_plugin.h — the Refinery systematic-plugin ABI, version 1.
 *
 * A plugin is a shared library that exports one C function,
 *
 *     const refinery_plugin_descriptor *refinery_plugin_entry(void);
 *
 * returning a descriptor that lives as long as the library is loaded. The host never links a
 * plugin and never passes language-level objects across this boundary: only plain buffers,
 * C strings, status codes and error messages (paper section 4.4; docs/plugins.md).
 *
 * Kinds (section 4.4):
 *   REFINERY_KIND_REWEIGHT    new weights for the same events (eq. 31)
 *   REFINERY_KIND_CALIBRATE   new observables x from latent z (eq. 30); the host offers its
 *                             selection and reconstruction as the `reconstruct` service
 *   REFINERY_KIND_ALTERNATIVE an independent sample (two-point, section 5.3); the host offers
 *                             the alternative-generator sample as the `alternative_sample`
 *                             service
 *
 * Memory: everything the host passes in is owned by the host and valid for the duration of
 * the call. Everything a plugin returns in a refinery_dataset is owned by the plugin until
 * the host calls `release_dataset`. Error messages are written into the caller's buffer
 * (NUL-terminated, truncated to its capacity).
 *
 * Compatible with C99, C++ (extern "C") and Swift (via the RefineryPluginABI module).
 */
#ifndef REFINERY_PLUGIN_H
#define REFINERY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REFINERY_PLUGIN_ABI_VERSION 1u
#define REFINERY_PLUGIN_ENTRY_SYMBOL "refinery_plugin_entry"

typedef enum refinery_kind {
    REFINERY_KIND_REWEIGHT = 1,
    REFINERY_KIND_CALIBRATE = 2,
    REFINERY_KIND_ALTERNATIVE = 3
} refinery_kind;

/* Return codes. Anything other than REFINERY_OK carries a message in the error buffer. */
typedef enum refinery_status {
    REFINERY_OK = 0,
    REFINERY_ERROR_CONFIG = 1,   /* the configuration is invalid */
    REFINERY_ERROR_INPUT = 2,    /* the nominal sample lacks something the plugin needs */
    REFINERY_ERROR_INTERNAL = 3  /* anything else */
} refinery_status;

/* A read-only view of a sample: row-major float64 matrices with named columns. */
typedef struct refinery_sample {
    int64_t count;                 /* number of events N */
    int32_t x_width;               /* observables per event */
    int32_t z_width;               /* latent features per event */
    const double *x;               /* N × x_width */
    const double *z;               /* N × z_width */
    const double *w;               /* N weights in pb */
    int32_t scale_width;           /* 8 scale weights per event, or 0 */
    const double *scale;           /* N × scale_width absolute weights (eq. 83 order) */
    const uint8_t *fiducial;       /* N flags: 1 = passes the nominal selection */
    const char *const *x_names;    /* x_width names */
    const char *const *z_names;    /* z_width names */
} refinery_sample;

/* One synthetic data set D(ν), filled by the plugin.
 * reweight:    count == nominal count, w set, x == NULL (events and order of the nominal)
 * calibrate:   count == nominal count, w and x set, pass set (events failing the varied
 *              selection have pass = 0 and are dropped by the host)
 * alternative: any count, w and x set, pass may be NULL (all pass) */
typedef struct refinery_dataset {
    int64_t count;
    int32_t x_width;
    double *w;
    double *x;
    uint8_t *pass;
    void *plugin_data;             /* for the plugin's own bookkeeping in release_dataset */
} refinery_dataset;

/* What a configured plugin learns: nuisances, polynomial terms (eq. 49/50), base points V. */
typedef struct refinery_spec {
    int32_t nuisance_count;
    const char *const *nuisance_names;
    int32_t term_count;
    const int32_t *term_degrees;     /* term_count degrees */
    const int32_t *term_parameters;  /* concatenated nuisance indices, Σ degrees entries */
    int32_t base_point_count;
    const double *base_points;       /* base_point_count × nuisance_count */
    /* Default learner settings (section 7.1). */
    int32_t trees;
    double learning_rate;
    int32_t max_depth;
    int32_t min_node_size;           /* 50 when x is unchanged, 500 when x varies */
} refinery_spec;

/* Services the host offers to plugins. */
typedef struct refinery_host_services {
    uint32_t abi_version;
    void *context;
    /* Selection and observable reconstruction from latent rows (calibration plugins):
     * z is count × z_width; writes count × x_width observables and count pass flags. */
    int32_t (*reconstruct)(void *context, const double *z, int64_t count, double *x_out, uint8_t *pass_out,
                           char *error, size_t error_capacity);
    /* The alternative-generator sample (alternative plugins); valid until the plugin is destroyed. */
    int32_t (*alternative_sample)(void *context, refinery_sample *out, char *error, size_t error_capacity);
    /* A log line from the plugin (shown by the host with the plugin's name). */
    void (*log)(void *context, const char *message);
} refinery_host_services;

typedef struct refinery_plugin_descriptor {
    uint32_t abi_version;            /* REFINERY_PLUGIN_ABI_VERSION */
    const char *name;
    const char *version;
    const char *description;
    refinery_kind kind;
    const char *config_schema;       /* JSON Schema of the configuration block */

    /* The spec for a configuration (JSON object text; "{}" for defaults). The arrays in
     * *spec stay valid until the plugin is unloaded. */
    int32_t (*describe)(const char *config_json, refinery_spec *spec, char *error, size_t error_capacity);
    /* Creates an instance for a configuration. */
    int32_t (*create)(const char *config_json, const refinery_host_services *host, void **instance,
                      char *error, size_t error_capacity);
    /* Produces D(ν) for one base point ν (nuisance_count values) from the nominal sample. */
    int32_t (*produce)(void *instance, const refinery_sample *nominal, const double *nu, refinery_dataset *out,
                       char *error, size_t error_capacity);
    void (*release_dataset)(void *instance, refinery_dataset *dataset);
    void (*destroy)(void *instance);
} refinery_plugin_descriptor;

typedef const refinery_plugin_descriptor *(*refinery_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* REFINERY_PLUGIN_H */
