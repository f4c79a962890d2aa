import CKernelShims

/// Denormal (subnormal) floats, the numbers below 1.2e-38, are flushed to zero on the threads
/// that compute, as TensorFlow does on each of its compute threads (`port::ScopedFlushDenormal`:
/// "TensorFlow flushes denormals to zero"), so Keras' own numbers are computed that way too.
///
/// Why it matters: after a few hundred Adam steps on real photos, the moments and gradients of
/// weights fed by dead ReLU units decay into that range, and x86 cores take many times longer
/// on such numbers. On the coursework run (AMD EPYC) the Adam pass took twice as long as on the
/// random data of `cnnviz bench train`, and the training steps 17% longer in all.
///
/// The flag belongs to a thread. `cnnviz` sets it on its main thread at start, and so do the
/// threads the engine runs on: `SpinningWorkers`, the libdispatch ranges of `Parallel`, the
/// background jobs of a training run and the report's inspections.
public enum Denormals {
    /// Flushes denormals to zero on the calling thread from now on.
    @inline(__always)
    public static func flushToZeroOnThisThread() {
        cnnviz_set_flush_denormals(1)
    }

    /// Whether the calling thread flushes denormals to zero; setting it turns that on or off.
    public static var flushedOnThisThread: Bool {
        get { cnnviz_flushes_denormals() != 0 }
        set { cnnviz_set_flush_denormals(newValue ? 1 : 0) }
    }
}
