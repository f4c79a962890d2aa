/// The one place layers call numeric kernels: picks the naive or fast implementation.
///
/// Layers never call `ConvNaive`/`DenseNaive`/`PoolNaive` (or the fast kernels) directly, so
/// swapping a kernel, or testing fast against naive, happens here and nowhere else.
public enum Kernels {
    /// Conv2D forward. Shapes: see `ConvNaive.forward`.
    public static func convForward(_ backend: KernelBackend, input: [Float], kernel: [Float], bias: [Float]?,
                                   geometry: ConvGeometry, filters: Int) -> [Float] {
        switch backend {
        case .naive, .fast:
            return ConvNaive.forward(input: input, kernel: kernel, bias: bias, geometry: geometry, filters: filters)
        }
    }

    /// Conv2D backward. Shapes: see `ConvNaive.backward`.
    public static func convBackward(_ backend: KernelBackend, input: [Float], kernel: [Float], outputGradient: [Float],
                                    geometry: ConvGeometry, filters: Int,
                                    kernelGradient: inout [Float], biasGradient: inout [Float],
                                    inputGradient: Bool) -> [Float] {
        switch backend {
        case .naive, .fast:
            return ConvNaive.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                      geometry: geometry, filters: filters, kernelGradient: &kernelGradient,
                                      biasGradient: &biasGradient, inputGradient: inputGradient)
        }
    }

    /// Dense forward. Shapes: see `DenseNaive.forward`.
    public static func denseForward(_ backend: KernelBackend, input: [Float], kernel: [Float], bias: [Float]?,
                                    batch: Int, inputs: Int, outputs: Int) -> [Float] {
        switch backend {
        case .naive, .fast:
            return DenseNaive.forward(input: input, kernel: kernel, bias: bias, batch: batch, inputs: inputs, outputs: outputs)
        }
    }

    /// Dense backward. Shapes: see `DenseNaive.backward`.
    public static func denseBackward(_ backend: KernelBackend, input: [Float], kernel: [Float], outputGradient: [Float],
                                     batch: Int, inputs: Int, outputs: Int,
                                     kernelGradient: inout [Float], biasGradient: inout [Float],
                                     inputGradient: Bool) -> [Float] {
        switch backend {
        case .naive, .fast:
            return DenseNaive.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                       batch: batch, inputs: inputs, outputs: outputs,
                                       kernelGradient: &kernelGradient, biasGradient: &biasGradient,
                                       inputGradient: inputGradient)
        }
    }

    /// Max pooling forward, with the index of each kept maximum.
    public static func maxPoolForward(_ backend: KernelBackend, input: [Float], geometry: ConvGeometry) -> (output: [Float], argmax: [Int32]) {
        switch backend {
        case .naive, .fast: return PoolNaive.maxForward(input: input, geometry: geometry)
        }
    }

    /// Max pooling backward: the gradient goes to each window's kept maximum.
    public static func maxPoolBackward(_ backend: KernelBackend, outputGradient: [Float], argmax: [Int32], inputCount: Int) -> [Float] {
        switch backend {
        case .naive, .fast: return PoolNaive.maxBackward(outputGradient: outputGradient, argmax: argmax, inputCount: inputCount)
        }
    }
}
