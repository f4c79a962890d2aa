#ifndef CNNVIZ_CPREFETCH_H
#define CNNVIZ_CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` (for writing, kept in all cache
/// levels) without waiting for it. Swift has no prefetch of its own; this header is inlined.
static inline void cnnviz_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// The same for data that will only be read.
static inline void cnnviz_prefetch_for_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
