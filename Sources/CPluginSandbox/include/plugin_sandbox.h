#ifndef REFINERY_PLUGIN_SANDBOX_H
#define REFINERY_PLUGIN_SANDBOX_H
/* The thin C layer under PluginHost's sandbox and spawn code: the only place that issues the
 * Landlock system calls and the variadic prctl, and reads their errno (Swift cannot call
 * variadic C functions, and the system's linux/landlock.h predates ABI 4). */
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>

/* What refinery_landlock_restrict enforced, as bits. */
enum {
    REFINERY_SANDBOX_FS_WRITES = 1 << 0,      /* writes only beneath the given folders (ABI >= 1) */
    REFINERY_SANDBOX_FS_REFER = 1 << 1,       /* renames/links across folders governed (ABI >= 2) */
    REFINERY_SANDBOX_FS_TRUNCATE = 1 << 2,    /* truncate governed (ABI >= 3) */
    REFINERY_SANDBOX_NET_TCP = 1 << 3,        /* TCP bind and connect denied (ABI >= 4) */
    REFINERY_SANDBOX_SCOPE_UNIX = 1 << 4,     /* abstract unix sockets outside denied (ABI >= 6) */
    REFINERY_SANDBOX_SCOPE_SIGNAL = 1 << 5,   /* signals to processes outside denied (ABI >= 6) */
};

/* The kernel's Landlock ABI version, or -errno (ENOSYS: not built in; EOPNOTSUPP: disabled). */
int refinery_landlock_abi(void);

/* Restricts the calling process (and every child it forks) for good: no writes except beneath
 * `writable[0..count)`, no TCP, and the scopes the ABI offers. Reads and execution stay
 * allowed. Returns the enforced bits (>= 0) or -errno; `error` gets a message on failure. */
int refinery_landlock_restrict(const char *const *writable, int count, char *error, size_t capacity);

/* prctl(PR_SET_PDEATHSIG, sig): the worker dies when the host does, even by SIGKILL. */
int refinery_set_parent_death_signal(int sig);

/* Closes every descriptor >= `lowest` in the child (glibc >= 2.34), so nothing the host has
 * open (the provenance store, other workers' pipes) leaks into a worker. 0 or an errno. */
int refinery_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/* pipe2(fds, O_CLOEXEC): no window in which another thread's spawn inherits the pipe. */
int refinery_pipe_cloexec(int fds[2]);

#endif
