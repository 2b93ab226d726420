/// The text of scaffolded plugin projects (see `PluginScaffold`).
enum ScaffoldTemplates {
    static func swiftPackage(_ name: String) -> String {
        """
        // swift-tools-version: 6.1
        // A Refinery systematic plugin. Build: swift build -c release → .build/release/lib\(name).so
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(name)"])],
            targets: [
                // A copy of Refinery's plugin ABI and kit, so this package builds on its own.
                .target(name: "RefineryPluginABI"),
                .target(name: "RefineryPluginKit", dependencies: ["RefineryPluginABI"]),
                .target(name: "\(name)", dependencies: ["RefineryPluginKit"]),
            ],
            swiftLanguageModes: [.v6]
        )

        """
    }

    static func swiftPlugin(_ name: String, kind: SystematicKind) -> String {
        let body: String
        switch kind {
        case .reweight:
            body = """
                /// D(ν): the nominal events with weights w · r(x, z | ν) (eq. 31). This example
                /// tilts the m(tt̄) spectrum by ν · slope per TeV; replace it with your effect.
                public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
                    let mtt = try nominal.xColumn("m_tt")
                    let x = nominal.x, w = nominal.weights, width = nominal.xWidth
                    var weights = [Double](repeating: 0, count: nominal.count)
                    for i in 0..<nominal.count {
                        let value = x[i * width + mtt]
                        // Events outside the selection have NaN observables: leave them unchanged.
                        let tilt = value.isFinite ? 1 + nu[0] * slope * (value / 1000 - 1) : 1
                        weights[i] = w[i] * max(tilt, 0.01)
                    }
                    return SyntheticSample(weights: weights)
                }
            """
        case .calibrate:
            body = """
                /// D(ν): the nominal events with recalibrated latent features and x recomputed by
                /// the host (eq. 30). This example scales every jet pT by (1 + ν · slope) without
                /// propagating to MET; replace it with your calibration.
                public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
                    let jetColumns = nominal.zNames.indices.filter { nominal.zNames[$0].hasPrefix("jet") && nominal.zNames[$0].hasSuffix("_pt") }
                    var z = Array(nominal.z)
                    for i in 0..<nominal.count {
                        for column in jetColumns { z[i * nominal.zWidth + column] *= 1 + nu[0] * slope }
                    }
                    let (x, passes) = try host.reconstruct(latent: z, count: nominal.count, xWidth: nominal.xWidth)
                    return SyntheticSample(weights: Array(nominal.weights), observables: x, passes: passes)
                }
            """
        case .alternative:
            body = """
                /// D(1): an independent sample (section 5.3). This example uses the workspace's
                /// alternative-generator sample from the host; replace it with your own.
                public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
                    let alternative = try host.alternativeSample()
                    return SyntheticSample(weights: Array(alternative.weights), observables: Array(alternative.x),
                                           passes: Array(alternative.fiducial))
                }
            """
        }
        let points = kind == .alternative ? "[[1]]" : "[[-1], [1]]"
        let minNode = kind == .reweight ? 50 : 500
        return """
        import RefineryPluginKit

        /// \(name): a systematic effect for Refinery (kind: \(kind.rawValue)).
        public final class \(name)Plugin: SystematicPlugin {
            public static let name = "\(name)"
            public static let version = "0.1.0"
            public static let summary = "\(name) (\(kind.rawValue)): describe the effect here"
            public static let kind = PluginKind.\(kind.rawValue)
            public static let configSchema = #"{"type": "object", "properties": {"slope": {"type": "number"}}, "additionalProperties": false}"#

            let slope: Double
            let host: PluginHost

            /// One nuisance, a linear term, base points ν = \(points) (section 5.2).
            public static func spec(for config: PluginConfig) throws -> PluginSpec {
                try config.allowOnly(["slope"])
                return .linear(["nu_\(name)"], basePoints: \(points), minNodeSize: \(minNode))
            }

            public init(config: PluginConfig, host: PluginHost) throws {
                try config.allowOnly(["slope"])
                slope = try config.double("slope", default: 0.05)
                self.host = host
            }

        \(body)
        }

        @_cdecl("refinery_plugin_entry")
        public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(\(name)Plugin.self) }

        """
    }

    static func cPlugin(_ name: String, kind: SystematicKind) -> String {
        let kindConstant: String
        let produce: String
        switch kind {
        case .reweight:
            kindConstant = "REFINERY_KIND_REWEIGHT"
            produce = """
                /* D(ν): weights w · (1 + ν · slope · (m_tt / 1 TeV − 1)) (eq. 31); replace with your effect. */
                int mtt = find(nominal->x_names, nominal->x_width, "m_tt");
                if (mtt < 0) { report(error, capacity, "the nominal sample has no observable m_tt"); return REFINERY_ERROR_INPUT; }
                double *w = malloc(sizeof(double) * (size_t)(nominal->count > 0 ? nominal->count : 1));
                if (!w) { report(error, capacity, "out of memory"); return REFINERY_ERROR_INTERNAL; }
                for (int64_t i = 0; i < nominal->count; i++) {
                    double value = nominal->x[i * nominal->x_width + mtt];
                    double tilt = isfinite(value) ? 1.0 + nu[0] * self->slope * (value / 1000.0 - 1.0) : 1.0;
                    w[i] = nominal->w[i] * (tilt > 0.01 ? tilt : 0.01);
                }
                out->count = nominal->count; out->x_width = 0; out->w = w; out->x = NULL; out->pass = NULL;
                return REFINERY_OK;
            """
        case .calibrate:
            kindConstant = "REFINERY_KIND_CALIBRATE"
            produce = """
                /* D(ν): jet pT scaled by (1 + ν · slope), x recomputed by the host (eq. 30). */
                size_t n = (size_t)nominal->count, zw = (size_t)nominal->z_width, xw = (size_t)nominal->x_width;
                double *z = malloc(sizeof(double) * (n * zw > 0 ? n * zw : 1));
                double *x = malloc(sizeof(double) * (n * xw > 0 ? n * xw : 1));
                double *w = malloc(sizeof(double) * (n > 0 ? n : 1));
                uint8_t *pass = malloc(n > 0 ? n : 1);
                if (!z || !x || !w || !pass) { free(z); free(x); free(w); free(pass); report(error, capacity, "out of memory"); return REFINERY_ERROR_INTERNAL; }
                memcpy(z, nominal->z, sizeof(double) * n * zw);
                memcpy(w, nominal->w, sizeof(double) * n);
                for (size_t c = 0; c < zw; c++) {
                    const char *column = nominal->z_names[c];
                    size_t len = strlen(column);
                    if (strncmp(column, "jet", 3) != 0 || len < 3 || strcmp(column + len - 3, "_pt") != 0) continue;
                    for (size_t i = 0; i < n; i++) z[i * zw + c] *= 1.0 + nu[0] * self->slope;
                }
                int status = self->host->reconstruct(self->host->context, z, nominal->count, x, pass, error, capacity);
                free(z);
                if (status != REFINERY_OK) { free(x); free(w); free(pass); return status; }
                out->count = nominal->count; out->x_width = nominal->x_width; out->w = w; out->x = x; out->pass = pass;
                return REFINERY_OK;
            """
        case .alternative:
            kindConstant = "REFINERY_KIND_ALTERNATIVE"
            produce = """
                /* D(1): the host's alternative-generator sample (section 5.3). */
                refinery_sample alt;
                int status = self->host->alternative_sample(self->host->context, &alt, error, capacity);
                if (status != REFINERY_OK) return status;
                size_t n = (size_t)alt.count, xw = (size_t)alt.x_width;
                double *x = malloc(sizeof(double) * (n * xw > 0 ? n * xw : 1));
                double *w = malloc(sizeof(double) * (n > 0 ? n : 1));
                uint8_t *pass = malloc(n > 0 ? n : 1);
                if (!x || !w || !pass) { free(x); free(w); free(pass); report(error, capacity, "out of memory"); return REFINERY_ERROR_INTERNAL; }
                memcpy(x, alt.x, sizeof(double) * n * xw);
                memcpy(w, alt.w, sizeof(double) * n);
                memcpy(pass, alt.fiducial, n);
                out->count = alt.count; out->x_width = alt.x_width; out->w = w; out->x = x; out->pass = pass;
                return REFINERY_OK;
            """
        }
        let points = kind == .alternative ? "{1.0}" : "{-1.0, 1.0}"
        let pointCount = kind == .alternative ? 1 : 2
        let minNode = kind == .reweight ? 50 : 500
        return """
        /* \(name): a Refinery systematic plugin written in C (kind: \(kind.rawValue)).
         * Build: make  →  lib\(name).so. The ABI is documented in refinery_plugin.h. */
        #include <math.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include "refinery_plugin.h"

        typedef struct { double slope; const refinery_host_services *host; } plugin_state;

        static const char *nuisances[] = {"nu_\(name)"};
        static const int32_t degrees[] = {1};
        static const int32_t parameters[] = {0};
        static const double base_points[] = \(points);

        static void report(char *error, size_t capacity, const char *message) {
            if (error && capacity > 0) { strncpy(error, message, capacity - 1); error[capacity - 1] = 0; }
        }

        static int find(const char *const *names, int32_t count, const char *wanted) {
            for (int32_t i = 0; i < count; i++) if (names && strcmp(names[i], wanted) == 0) return i;
            return -1;
        }

        /* Reads "slope" from the configuration JSON (a flat object); default 0.05. */
        static int parse_slope(const char *config, double *slope, char *error, size_t capacity) {
            *slope = 0.05;
            const char *key = config ? strstr(config, "\\"slope\\"") : NULL;
            if (!key) return REFINERY_OK;
            const char *colon = strchr(key, ':');
            if (!colon || sscanf(colon + 1, "%lf", slope) != 1) {
                report(error, capacity, "configuration key 'slope' must be a number");
                return REFINERY_ERROR_CONFIG;
            }
            return REFINERY_OK;
        }

        static int32_t describe(const char *config, refinery_spec *spec, char *error, size_t capacity) {
            double slope;
            int status = parse_slope(config, &slope, error, capacity);
            if (status != REFINERY_OK) return status;
            spec->nuisance_count = 1; spec->nuisance_names = nuisances;
            spec->term_count = 1; spec->term_degrees = degrees; spec->term_parameters = parameters;
            spec->base_point_count = \(pointCount); spec->base_points = base_points;
            spec->trees = 300; spec->learning_rate = 0.2; spec->max_depth = 4; spec->min_node_size = \(minNode);
            return REFINERY_OK;
        }

        static int32_t create(const char *config, const refinery_host_services *host, void **instance, char *error, size_t capacity) {
            plugin_state *self = calloc(1, sizeof(plugin_state));
            if (!self) { report(error, capacity, "out of memory"); return REFINERY_ERROR_INTERNAL; }
            int status = parse_slope(config, &self->slope, error, capacity);
            if (status != REFINERY_OK) { free(self); return status; }
            self->host = host;
            *instance = self;
            return REFINERY_OK;
        }

        static int32_t produce(void *instance, const refinery_sample *nominal, const double *nu, refinery_dataset *out,
                               char *error, size_t capacity) {
            plugin_state *self = instance;
        \(produce)
        }

        static void release_dataset(void *instance, refinery_dataset *dataset) {
            (void)instance;
            free(dataset->w); free(dataset->x); free(dataset->pass);
            memset(dataset, 0, sizeof(*dataset));
        }

        static void destroy(void *instance) { free(instance); }

        static const refinery_plugin_descriptor descriptor = {
            REFINERY_PLUGIN_ABI_VERSION, "\(name)", "0.1.0", "\(name) (\(kind.rawValue)): describe the effect here",
            \(kindConstant), "{\\"type\\": \\"object\\", \\"properties\\": {\\"slope\\": {\\"type\\": \\"number\\"}}}",
            describe, create, produce, release_dataset, destroy
        };

        const refinery_plugin_descriptor *refinery_plugin_entry(void) { return &descriptor; }

        """
    }

    static func cMakefile(_ name: String) -> String {
        """
        # Builds lib\(name).so, a Refinery plugin. Needs only a C compiler.
        CC ?= cc
        CFLAGS ?= -O2 -Wall -Wextra -std=c11

        lib\(name).so: \(name.lowercased()).c refinery_plugin.h
        \t$(CC) $(CFLAGS) -fPIC -shared -o $@ \(name.lowercased()).c -lm

        clean:
        \trm -f lib\(name).so

        """
    }

    static func readme(_ name: String, kind: SystematicKind, language: PluginScaffold.Language) -> String {
        let build = language == .swift ? "swift build -c release        # → .build/release/lib\(name).so"
                                       : "make                          # → lib\(name).so"
        let library = language == .swift ? ".build/release/lib\(name).so" : "lib\(name).so"
        return """
        # \(name): a Refinery systematic plugin (\(kind.rawValue), \(language.rawValue))

        This project builds a shared library that Refinery loads at run time; the host is not
        rebuilt. The example effect is a placeholder: edit `produce` (and `spec`/`describe` for
        more nuisances, terms or base points; see docs/plugins.md in Refinery).

        ```sh
        \(build)
        mkdir -p <workspace>/plugins && cp \(library) <workspace>/plugins/
        ```

        Then list it in the workspace's `refinery.yaml` and train it:

        ```yaml
        systematics:
          - name: \(name)
            plugin: \(name)
            config: {slope: 0.05}
        ```

        ```sh
        refinery plugins list --workspace <workspace>   # shows it, with the SHA-256 of the binary
        refinery train <workspace> --only \(name)
        ```

        Kind `\(kind.rawValue)`: \(kind == .reweight ? "new weights for the nominal events (eq. 31 of the paper)" : kind == .calibrate ? "new observables from recalibrated latent features, reconstructed by the host (eq. 30)" : "an independent sample (two-point alternative, section 5.3)").
        Return finite weights; reweighting and calibration must keep each weight's sign.
        """
    }
}
