/* A reweighting plugin that attacks or abuses its host in one way, chosen at compile time,
 * at base point ν = +1 (the second one); at ν = −1 it behaves. Used by WorkerSandboxTests and
 * PluginHostTests; each -D flag names the behaviour:
 *   DESCRIBE_LOOP   describe spins forever          PRODUCE_LOOP  produce spins forever
 *   PRODUCE_SLEEP   produce sleeps an hour          FORK_CHILD    forks a child holding the pipes, then hangs
 *   FORK_AND_RETURN forks a child holding the pipes and returns normally
 *   PROTOCOL_LINES  prints the old protocol's lines ("done 99") on stdout and stderr
 *   FLOOD           prints 300 MB without a newline on stdout
 *   EXIT_ZERO       calls exit(0) in produce
 *   CLOSE_AND_SLEEP closes stdout, stderr and every other descriptor, then sleeps an hour
 *   MARKER=path     writes a marker file at `path` (outside its staging folder) in produce
 *   DESCRIBE_MARKER=path  the same, in describe
 *   CONNECT_PORT=n  opens a TCP connection to 127.0.0.1:n in produce; returns an error if it succeeds */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "refinery_plugin.h"

static const char *nuisances[] = {"nu_hostile"};
static const int32_t degrees[] = {1};
static const int32_t parameters[] = {0};
static const double base_points[] = {-1.0, 1.0};

static void report(char *error, size_t capacity, const char *message) {
    if (error && capacity > 0) { strncpy(error, message, capacity - 1); error[capacity - 1] = 0; }
}

static volatile unsigned long spin;

static void write_marker(const char *path) {
    FILE *file = fopen(path, "w");
    if (file) { fputs("escaped the sandbox\n", file); fclose(file); }
    else fprintf(stderr, "marker %s refused: %s\n", path, strerror(errno));
}

static int32_t describe(const char *config, refinery_spec *spec, char *error, size_t capacity) {
    (void)config; (void)error; (void)capacity;
#ifdef DESCRIBE_LOOP
    for (;;) spin++;
#endif
#ifdef DESCRIBE_MARKER
    write_marker(DESCRIBE_MARKER);
#endif
    spec->nuisance_count = 1; spec->nuisance_names = nuisances;
    spec->term_count = 1; spec->term_degrees = degrees; spec->term_parameters = parameters;
    spec->base_point_count = 2; spec->base_points = base_points;
    spec->trees = 10; spec->learning_rate = 0.2; spec->max_depth = 3; spec->min_node_size = 50;
    return REFINERY_OK;
}

static int32_t create(const char *config, const refinery_host_services *host, void **instance, char *error, size_t capacity) {
    (void)config; (void)host; (void)error; (void)capacity;
    *instance = malloc(1);
    return REFINERY_OK;
}

static int32_t produce(void *instance, const refinery_sample *nominal, const double *nu, refinery_dataset *out,
                       char *error, size_t capacity) {
    (void)instance; (void)error; (void)capacity;
    if (nu[0] > 0) {
#ifdef PRODUCE_LOOP
        for (;;) spin++;
#endif
#ifdef PRODUCE_SLEEP
        sleep(3600);
#endif
#ifdef FORK_CHILD
        if (fork() == 0) { sleep(3600); _exit(0); }
        for (;;) pause();
#endif
#ifdef FORK_AND_RETURN
        if (fork() == 0) { sleep(3600); _exit(0); }
#endif
#ifdef PROTOCOL_LINES
        printf("done 99\nbegin 7\ndone 1\n"); fflush(stdout);
        fprintf(stderr, "error: done 99\n");
#endif
#ifdef FLOOD
        {
            static char block[1 << 20];
            memset(block, 'x', sizeof block);
            for (int i = 0; i < 300; i++) fwrite(block, 1, sizeof block, stdout);
            fflush(stdout);
        }
#endif
#ifdef EXIT_ZERO
        exit(0);
#endif
#ifdef CLOSE_AND_SLEEP
        for (int fd = 1; fd < 1024; fd++) close(fd);
        sleep(3600);
#endif
#ifdef MARKER
        write_marker(MARKER);
#endif
#ifdef CONNECT_PORT
        {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in address = {0};
            address.sin_family = AF_INET; address.sin_port = htons(CONNECT_PORT); address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            int connected = connect(fd, (struct sockaddr *)&address, sizeof address);
            fprintf(stderr, "connect: %s\n", connected == 0 ? "succeeded" : strerror(errno));
            close(fd);
            if (connected == 0) { report(error, capacity, "a TCP connection to the host succeeded"); return REFINERY_ERROR_INPUT; }
        }
#endif
    }
    int64_t n = nominal->count;
    double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    for (int64_t i = 0; i < n; i++) w[i] = nominal->w[i] * (1.0 + 0.01 * nu[0]);
    out->count = n; out->x_width = 0; out->w = w; out->x = NULL; out->pass = NULL;
    return REFINERY_OK;
}

static void release_dataset(void *instance, refinery_dataset *dataset) { (void)instance; free(dataset->w); dataset->w = NULL; }
static void destroy(void *instance) { free(instance); }

static const refinery_plugin_descriptor descriptor = {
    REFINERY_PLUGIN_ABI_VERSION, "Hostile", "0.0.1", "test fixture", REFINERY_KIND_REWEIGHT, "{}",
    describe, create, produce, release_dataset, destroy
};

const refinery_plugin_descriptor *refinery_plugin_entry(void) { return &descriptor; }
