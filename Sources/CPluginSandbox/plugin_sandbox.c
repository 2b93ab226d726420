#define _GNU_SOURCE
#include "plugin_sandbox.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* The UAPI of Landlock ABI 6, declared here because the installed header is older. */
struct rl_ruleset_attr { uint64_t handled_access_fs; uint64_t handled_access_net; uint64_t scoped; };
struct rl_path_beneath { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));
#define RL_CREATE_RULESET_VERSION (1U << 0)
#define RL_RULE_PATH_BENEATH 1
#define RL_FS_WRITE_FILE (1ULL << 1)
#define RL_FS_REMOVE_DIR (1ULL << 4)
#define RL_FS_REMOVE_FILE (1ULL << 5)
#define RL_FS_MAKE_CHAR (1ULL << 6)
#define RL_FS_MAKE_DIR (1ULL << 7)
#define RL_FS_MAKE_REG (1ULL << 8)
#define RL_FS_MAKE_SOCK (1ULL << 9)
#define RL_FS_MAKE_FIFO (1ULL << 10)
#define RL_FS_MAKE_BLOCK (1ULL << 11)
#define RL_FS_MAKE_SYM (1ULL << 12)
#define RL_FS_REFER (1ULL << 13)
#define RL_FS_TRUNCATE (1ULL << 14)
#define RL_NET_BIND_TCP (1ULL << 0)
#define RL_NET_CONNECT_TCP (1ULL << 1)
#define RL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define RL_SCOPE_SIGNAL (1ULL << 1)

int refinery_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, RL_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

static int fail(char *error, size_t capacity, const char *what, const char *path) {
    int code = errno;
    if (error && capacity > 0) snprintf(error, capacity, "%s%s%s: %s", what, path ? " " : "", path ? path : "", strerror(code));
    return -code;
}

int refinery_landlock_restrict(const char *const *writable, int count, char *error, size_t capacity) {
    int abi = refinery_landlock_abi();
    if (abi < 1) { errno = -abi; return fail(error, capacity, "Landlock is not available", NULL); }
    /* Only write-like rights are handled, so reading (the nominal sample, the plugin's own
     * tables) and executing stay allowed everywhere. */
    uint64_t fs = RL_FS_WRITE_FILE | RL_FS_REMOVE_DIR | RL_FS_REMOVE_FILE | RL_FS_MAKE_CHAR | RL_FS_MAKE_DIR
                | RL_FS_MAKE_REG | RL_FS_MAKE_SOCK | RL_FS_MAKE_FIFO | RL_FS_MAKE_BLOCK | RL_FS_MAKE_SYM;
    int enforced = REFINERY_SANDBOX_FS_WRITES;
    if (abi >= 2) { fs |= RL_FS_REFER; enforced |= REFINERY_SANDBOX_FS_REFER; }
    if (abi >= 3) { fs |= RL_FS_TRUNCATE; enforced |= REFINERY_SANDBOX_FS_TRUNCATE; }
    struct rl_ruleset_attr attr = { fs, 0, 0 };
    size_t size = sizeof(uint64_t);
    if (abi >= 4) { attr.handled_access_net = RL_NET_BIND_TCP | RL_NET_CONNECT_TCP; size = 2 * sizeof(uint64_t); enforced |= REFINERY_SANDBOX_NET_TCP; }
    if (abi >= 6) { attr.scoped = RL_SCOPE_ABSTRACT_UNIX_SOCKET | RL_SCOPE_SIGNAL; size = sizeof(attr);
                    enforced |= REFINERY_SANDBOX_SCOPE_UNIX | REFINERY_SANDBOX_SCOPE_SIGNAL; }
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (ruleset < 0) return fail(error, capacity, "landlock_create_ruleset", NULL);
    for (int i = 0; i < count; i++) {
        struct rl_path_beneath rule = { fs, open(writable[i], O_PATH | O_CLOEXEC) };
        if (rule.parent_fd < 0) { int r = fail(error, capacity, "cannot open", writable[i]); close(ruleset); return r; }
        long added = syscall(__NR_landlock_add_rule, ruleset, RL_RULE_PATH_BENEATH, &rule, 0);
        close(rule.parent_fd);
        if (added < 0) { int r = fail(error, capacity, "landlock_add_rule", writable[i]); close(ruleset); return r; }
    }
    /* Required for an unprivileged process to restrict itself; also keeps setuid binaries
     * from granting a plugin more rights. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { int r = fail(error, capacity, "PR_SET_NO_NEW_PRIVS", NULL); close(ruleset); return r; }
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) { int r = fail(error, capacity, "landlock_restrict_self", NULL); close(ruleset); return r; }
    close(ruleset);
    return enforced;
}

int refinery_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int refinery_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0 ? 0 : errno; }

int refinery_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions; (void)lowest; return ENOSYS;
#endif
}
