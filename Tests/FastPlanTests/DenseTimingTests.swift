import XCTest
import Foundation
@testable import CNNCore
@testable import FastPlan

/// Timings of the coursework's Dense kernels (30752 → 128, batch 32 and one image) at both tile
/// widths, in one process so both see the same load on a shared machine. Skipped unless
/// `CNNVIZ_DENSE_TIMING` is set; run in release:
///     CNNVIZ_DENSE_TIMING=1 swift test -c release --filter DenseTimingTests
/// Prints the median wall time and CPU time (all threads) of each, and for one image the bytes
/// of W actually read (rows whose input is not 0) per second of wall time.
final class DenseTimingTests: XCTestCase {
    static let (inputs, outputs, batch) = (30752, 128, 32)

    func testTimingOfDenseKernels() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["CNNVIZ_DENSE_TIMING"] == nil, "set CNNVIZ_DENSE_TIMING to time")
        let (inputs, outputs, batch) = (Self.inputs, Self.outputs, Self.batch)
        var rng = SeededRNG(seed: 5)
        var x = random(batch * inputs, &rng)
        for i in x.indices where rng.uniform(0, 1) < 0.35 { x[i] = 0 }
        let w = random(inputs * outputs, &rng), b = random(outputs, &rng), dy = random(batch * outputs, &rng)
        let one = Array(x[0..<inputs])
        let usedRows = one.filter { $0 != 0 }.count
        for width in TileWidth.allCases {
            for threads in [1, 2] {
                let t = time(repeats: 41) {
                    _ = DenseFast.forwardFewRows(input: one, kernel: w, bias: b, batch: 1, inputs: inputs, outputs: outputs,
                                                 width: width, threads: threads)
                }
                let gbps = Double(usedRows * outputs * 4) / t.wall / 1e9
                print(String(format: "one image  %@ %d thread(s): %.3f ms wall, %.3f ms CPU, W read at %.1f GB/s",
                             width.rawValue, threads, t.wall * 1e3, t.cpu * 1e3, gbps))
            }
        }
        // A batch as late in training: 80% of the inputs 0 (the coursework's trained model: 77%).
        var sparse = x
        for i in sparse.indices where rng.uniform(Float(0), Float(1)) < 0.7 { sparse[i] = 0 }
        let batches: [(name: String, x: [Float], skip: ZeroSkipping)] = [
            ("35% zeros", x, .whereSparse), ("80% zeros, tiles", sparse, .never), ("80% zeros, skipped", sparse, .whereSparse),
        ]
        for width in TileWidth.allCases {
            for (name, x) in [("35% zeros", x), ("80% zeros", sparse)] {
                let t = time(repeats: 21) {
                    _ = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs, width: width)
                }
                print(String(format: "forward batch 32 %@, %@: %.3f ms wall, %.3f ms CPU", width.rawValue, name, t.wall * 1e3, t.cpu * 1e3))
            }
        }
        for width in TileWidth.allCases { for (name, x, skip) in batches {
            let parameter = Parameter(name: "kernel", value: Tensor(shape: [inputs, outputs], data: w))
            parameter.gradient = Tensor(shape: [inputs, outputs], data: [Float](repeating: 0, count: w.count))
            let adam = Adam(learningRate: 1e-6)
            var db = [Float](repeating: 0, count: outputs)
            let t = time(repeats: 21) {
                let update = AdamFast(adam.beginStep([parameter]), width: width).sliceUpdate(of: 0, count: w.count)
                _ = parameter.value.data.withUnsafeMutableBufferPointer { wp in
                    DenseFast.backwardUpdatingKernel(input: x, kernel: wp.baseAddress!, outputGradient: dy, batch: batch,
                                                     inputs: inputs, outputs: outputs, biasGradient: &db,
                                                     inputGradient: true, width: width, skipZeros: skip, update: update)
                }
            }
            print(String(format: "backward + Adam batch 32 %@, %@: %.3f ms wall, %.3f ms CPU", width.rawValue, name, t.wall * 1e3, t.cpu * 1e3))
        }}
    }

    /// Median wall and CPU seconds of `repeats` runs after 3 warm-ups.
    func time(repeats: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        func clock(_ id: clockid_t) -> Double {
            var ts = timespec()
            clock_gettime(id, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }
        for _ in 0..<3 { body() }
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<repeats {
            let (w0, c0) = (clock(CLOCK_MONOTONIC), clock(CLOCK_PROCESS_CPUTIME_ID))
            body()
            walls.append(clock(CLOCK_MONOTONIC) - w0)
            cpus.append(clock(CLOCK_PROCESS_CPUTIME_ID) - c0)
        }
        return (walls.sorted()[repeats / 2], cpus.sorted()[repeats / 2])
    }
}
