#ifndef REFINERY_FILE_EXCHANGE_H
#define REFINERY_FILE_EXCHANGE_H

/// Atomically exchanges the directory entries `a` and `b` (Linux renameat2 with
/// RENAME_EXCHANGE): after it, each name refers to what the other did, and no moment exists in
/// which either name is missing. Returns 0, or -1 with errno set (EINVAL or ENOSYS where the
/// kernel or file system cannot exchange; the caller falls back to two renames).
int refinery_exchange_paths(const char *a, const char *b);

#endif
