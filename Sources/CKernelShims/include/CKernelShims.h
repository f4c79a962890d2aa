#ifndef CNNVIZ_CKERNELSHIMS_H
#define CNNVIZ_CKERNELSHIMS_H

// Two operations Swift has no vector form of, inlined into the Swift kernels.

/// Eight floats: imported into Swift as SIMD8<Float>.
typedef float cnnviz_float8 __attribute__((ext_vector_type(8)));

/// √x in every lane, correctly rounded (IEEE), as one vector instruction where the CPU has one
/// (vsqrtps with AVX). Swift's `SIMD8<Float>.squareRoot()` became eight scalar square roots,
/// each behind a branch to libm's sqrtf: most of Adam's time.
static inline cnnviz_float8 cnnviz_sqrt8(cnnviz_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

/// Asks the CPU to start loading the cache line at `address` (for writing, kept in all cache
/// levels) without waiting for it.
static inline void cnnviz_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// The same for data that will only be read.
static inline void cnnviz_prefetch_for_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
