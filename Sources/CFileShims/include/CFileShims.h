#ifndef CNNVIZ_CFILESHIMS_H
#define CNNVIZ_CFILESHIMS_H

// One file-system call Swift's Glibc module does not expose.

/// Swaps the entries at `a` and `b` in one step (both must exist): Linux's
/// renameat2(RENAME_EXCHANGE), macOS's renamex_np(RENAME_SWAP). Returns 0, or -1 with errno set
/// (ENOSYS or EINVAL where the system or the file system cannot do it; the caller then falls
/// back to two renames).
int cnnviz_exchange(const char *a, const char *b);

#endif
