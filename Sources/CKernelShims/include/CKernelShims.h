#ifndef CNNVIZ_CKERNELSHIMS_H
#define CNNVIZ_CKERNELSHIMS_H

// Operations Swift has no form of, inlined into the Swift kernels.

/// Eight floats: imported into Swift as SIMD8<Float>.
typedef float cnnviz_float8 __attribute__((ext_vector_type(8)));

/// √x in every lane, correctly rounded (IEEE), as one vector instruction where the CPU has one
/// (vsqrtps with AVX). Swift's `SIMD8<Float>.squareRoot()` became eight scalar square roots,
/// each behind a branch to libm's sqrtf: most of Adam's time.
static inline cnnviz_float8 cnnviz_sqrt8(cnnviz_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

/// Sixteen floats: imported into Swift as SIMD16<Float>.
typedef float cnnviz_float16 __attribute__((ext_vector_type(16)));

/// `cnnviz_sqrt8` for sixteen lanes (one vsqrtps on a 512-bit register with AVX-512).
static inline cnnviz_float16 cnnviz_sqrt16(cnnviz_float16 x) {
    return __builtin_elementwise_sqrt(x);
}

/// Sixteen 64-bit masks, for `cnnviz_nonzero_images16`.
typedef unsigned long long cnnviz_mask16 __attribute__((ext_vector_type(16)));

/// For 16 consecutive columns of `images` rows of floats (row n at x + n·stride, images ≤ 64):
/// masks[j] gets bit n set where x[n·stride + j] != 0. Which images feed each row of the Dense
/// kernel gradient: per image, one compare and one masked OR with AVX-512.
static inline void cnnviz_nonzero_images16(const float *x, long stride, int images, unsigned long long *masks) {
    cnnviz_mask16 bits = 0;
    for (int n = 0; n < images; n++) {
        cnnviz_float16 v;
        __builtin_memcpy(&v, x + n * stride, sizeof v);
        cnnviz_mask16 nonzero = __builtin_convertvector(v != 0, cnnviz_mask16);  /* all ones or 0 */
        bits |= nonzero & (1ULL << n);
    }
    __builtin_memcpy(masks, &bits, sizeof bits);
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

/// Start loading the cache line at `address` into L2 only (prefetcht1): for data needed a few
/// thousand cycles later, which would only push the data in use out of the small L1.
static inline void cnnviz_prefetch_to_l2(const void *address) {
    __builtin_prefetch(address, 0, 2);
}

/// 1 when the CPU running this has AVX-512F (512-bit vector registers), else 0: the fast kernels'
/// start-up check for their tile width (`TileWidth.preferred`). Always 0 off x86-64.
static inline int cnnviz_cpu_has_avx512f(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

/// Tells the CPU the thread is waiting in a spin loop (PAUSE on x86, YIELD on arm64): it saves
/// power and leaves the core's resources to its sibling. `SpinningWorkers` waits with it.
static inline void cnnviz_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Atomic operations on a long shared between threads (Swift's own atomics need macOS 15).
/// Acquire and release order: what one thread wrote before a release is seen by a thread after
/// its acquire of the value written.
static inline long cnnviz_load_acquire(const long *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}
static inline void cnnviz_store_release(long *address, long value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}
static inline long cnnviz_add(long *address, long value) {
    return __atomic_add_fetch(address, value, __ATOMIC_ACQ_REL);
}

/// Makes this thread's float arithmetic flush denormal (subnormal) numbers to zero (on = 1), as
/// every TensorFlow compute thread does, or keep them (on = 0): with it, results below 1.2e-38
/// become 0 (FTZ) and such inputs are read as 0 (DAZ). On arm64 it is FPCR.FZ. See FastPlan's
/// `Denormals` for why.
static inline void cnnviz_set_flush_denormals(int on) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int bits = 0x8040;  /* FTZ (bit 15) | DAZ (bit 6) */
    unsigned int csr = __builtin_ia32_stmxcsr();
    __builtin_ia32_ldmxcsr(on ? (csr | bits) : (csr & ~bits));
#elif defined(__aarch64__)
    unsigned long fpcr, bit = 1UL << 24;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    __asm__ __volatile__("msr fpcr, %0" : : "r"(on ? (fpcr | bit) : (fpcr & ~bit)));
#else
    (void)on;
#endif
}

/// Whether this thread flushes denormals to zero (`cnnviz_set_flush_denormals`): 1 or 0.
static inline int cnnviz_flushes_denormals(void) {
#if defined(__x86_64__) || defined(__i386__)
    return (__builtin_ia32_stmxcsr() & 0x8040) == 0x8040;
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return (fpcr >> 24) & 1;
#else
    return 0;
#endif
}

#endif
