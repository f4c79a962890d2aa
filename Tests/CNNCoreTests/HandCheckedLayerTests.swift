import XCTest
@testable import CNNCore

/// Cases a student can check with pencil and paper.
final class HandCheckedLayerTests: XCTestCase {
    /// The coursework's example: a 4×4 input and a 2×2 kernel give a 3×3 output.
    ///   input  1 2 3 0      kernel  1  0
    ///          0 1 2 3              0 -1
    ///          3 0 1 2
    ///          2 3 0 1
    /// y[0,0] = 1·1 + 2·0 + 0·0 + 1·(−1) = 0, y[0,1] = 2 − 2 = 0, y[0,2] = 3 − 3 = 0,
    /// y[1,0] = 0 − 0 = 0, y[1,1] = 1 − 1 = 0, y[1,2] = 2 − 2 = 0, y[2,0] = 3 − 3 = 0, …
    /// (this input is constant along diagonals, so this kernel gives all zeros); plus bias 0.5.
    func testConvolution4x4With2x2KernelGives3x3() throws {
        let conv = Conv2D(filters: 1, kernelSize: (2, 2), name: "conv2d")
        _ = try Sequential(inputShape: [4, 4, 1], layers: [conv])
        conv.kernel?.value = Tensor(shape: [2, 2, 1, 1], data: [1, 0, 0, -1])
        conv.bias?.value = Tensor(shape: [1], data: [0.5])
        let x = Tensor(shape: [1, 4, 4, 1], data: [1, 2, 3, 0, 0, 1, 2, 3, 3, 0, 1, 2, 2, 3, 0, 1])
        let y = try conv.forward(x, training: false)
        XCTAssertEqual(y.shape, [1, 3, 3, 1])
        XCTAssertEqual(y.data, [Float](repeating: 0.5, count: 9))
    }

    /// A kernel that is not diagonal: kernel [1 2; 3 4] on 0..<16 as 4×4.
    /// y[0,0] = 0·1 + 1·2 + 4·3 + 5·4 = 34; each step right adds 1+2+3+4 = 10, each step down 40.
    func testConvolutionOfRampIsKnown() throws {
        let conv = Conv2D(filters: 1, kernelSize: (2, 2), useBias: false)
        _ = try Sequential(inputShape: [4, 4, 1], layers: [conv])
        conv.kernel?.value = Tensor(shape: [2, 2, 1, 1], data: [1, 2, 3, 4])
        let y = try conv.forward(Tensor(shape: [1, 4, 4, 1], data: (0..<16).map(Float.init)), training: false)
        XCTAssertEqual(y.data, [34, 44, 54, 74, 84, 94, 114, 124, 134])
    }

    /// Keras' reference example: 3×3, stride 2, `same` on 5×5 → 3×3 with one zero row/column on each side.
    func testSamePaddingStride2Geometry() {
        let g = ConvGeometry(batch: 1, height: 5, width: 5, channels: 1, kernel: (3, 3), strides: (2, 2), padding: .same)
        XCTAssertEqual([g.outHeight, g.outWidth, g.padTop, g.padBottom, g.padLeft, g.padRight], [3, 3, 1, 1, 1, 1])
        // 4 wide, kernel 3, stride 2: out 2, P = max(1·2 + 3 − 4, 0) = 1 → 0 before, 1 after.
        let h = ConvGeometry(batch: 1, height: 4, width: 4, channels: 1, kernel: (3, 3), strides: (2, 2), padding: .same)
        XCTAssertEqual([h.outHeight, h.padTop, h.padBottom], [2, 0, 1])
        let v = ConvGeometry(batch: 1, height: 7, width: 7, channels: 1, kernel: (3, 3), strides: (2, 2), padding: .valid)
        XCTAssertEqual(v.outHeight, 3)  // ⌊(7 − 3) / 2⌋ + 1
    }

    /// Same padding with a ones kernel counts the in-bounds neighbours: corners see 4 cells, edges 6, centre 9.
    func testSamePaddingPadsWithZeros() throws {
        let conv = Conv2D(filters: 1, kernelSize: (3, 3), padding: .same, useBias: false)
        _ = try Sequential(inputShape: [3, 3, 1], layers: [conv])
        conv.kernel?.value = Tensor(shape: [3, 3, 1, 1], repeating: 1)
        let y = try conv.forward(Tensor(shape: [1, 3, 3, 1], repeating: 1), training: false)
        XCTAssertEqual(y.data, [4, 6, 4, 6, 9, 6, 4, 6, 4])
    }

    /// A 3-channel input is summed over channels: kernel weights 1, 10, 100 per channel.
    func testConvolutionSumsOverChannels() throws {
        let conv = Conv2D(filters: 2, kernelSize: (1, 1), useBias: false)
        _ = try Sequential(inputShape: [1, 1, 3], layers: [conv])
        // (KH, KW, C, F): filter 0 = (1, 10, 100), filter 1 = (−1, 0, 0)
        conv.kernel?.value = Tensor(shape: [1, 1, 3, 2], data: [1, -1, 10, 0, 100, 0])
        let y = try conv.forward(Tensor(shape: [1, 1, 1, 3], data: [1, 2, 3]), training: false)
        XCTAssertEqual(y.data, [321, -1])
    }

    /// 2×2 max pooling of 0..<16 as 4×4 keeps 5, 7, 13, 15 (as mlx-swift's pooling test).
    func testMaxPoolingOfRange() throws {
        let pool = Pooling2D(.max)
        _ = try Sequential(inputShape: [4, 4, 1], layers: [pool])
        let y = try pool.forward(Tensor(shape: [1, 4, 4, 1], data: (0..<16).map(Float.init)), training: false)
        XCTAssertEqual(y.shape, [1, 2, 2, 1])
        XCTAssertEqual(y.data, [5, 7, 13, 15])
        // The gradient flows back only to each window's maximum.
        let dx = try pool.backward(Tensor(shape: [1, 2, 2, 1], data: [1, 2, 3, 4]))
        var expected = [Float](repeating: 0, count: 16)
        expected[5] = 1; expected[7] = 2; expected[13] = 3; expected[15] = 4
        XCTAssertEqual(dx.data, expected)
    }

    func testAveragePoolingOfRange() throws {
        let pool = Pooling2D(.average)
        _ = try Sequential(inputShape: [4, 4, 1], layers: [pool])
        let y = try pool.forward(Tensor(shape: [1, 4, 4, 1], data: (0..<16).map(Float.init)), training: false)
        XCTAssertEqual(y.data, [2.5, 4.5, 10.5, 12.5])  // (0+1+4+5)/4 …
    }

    /// Average pooling with `same` padding divides by the cells inside the input only (TensorFlow).
    func testAveragePoolingSameIgnoresPadding() throws {
        let pool = Pooling2D(.average, poolSize: (2, 2), strides: (2, 2), padding: .same)
        _ = try Sequential(inputShape: [3, 3, 1], layers: [pool])
        let y = try pool.forward(Tensor(shape: [1, 3, 3, 1], data: (1...9).map(Float.init)), training: false)
        // windows: {1,2,4,5} → 3, {3,6} → 4.5, {7,8} → 7.5, {9} → 9
        XCTAssertEqual(y.data, [3, 4.5, 7.5, 9])
    }

    /// Flatten keeps Keras' order: index = (h·W + w)·C + c.
    func testFlattenOrderIsHeightWidthChannel() throws {
        let flatten = Flatten()
        _ = try Sequential(inputShape: [2, 3, 2], layers: [flatten])
        var x = Tensor.zeros([1, 2, 3, 2])
        for h in 0..<2 {
            for w in 0..<3 {
                for c in 0..<2 {
                    let value: Int = 100 * h + 10 * w + c
                    x[0, h, w, c] = Float(value)
                }
            }
        }
        let y = try flatten.forward(x, training: false)
        XCTAssertEqual(y.shape, [1, 12])
        XCTAssertEqual(y.data[(1 * 3 + 2) * 2 + 1], 121)
        XCTAssertEqual(Array(y.data.prefix(4)), [0, 1, 10, 11])
    }

    /// Dense: y = x·W + b with W stored (inputs, outputs).
    func testDenseIsMatrixProductPlusBias() throws {
        let dense = Dense(units: 2)
        _ = try Sequential(inputShape: [3], layers: [dense])
        dense.kernel?.value = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        dense.bias?.value = Tensor(shape: [2], data: [0.5, -0.5])
        let y = try dense.forward(Tensor(shape: [1, 3], data: [1, 1, 2]), training: false)
        XCTAssertEqual(y.data, [14.5, 17.5])  // 1·1 + 1·3 + 2·5 + 0.5, 1·2 + 1·4 + 2·6 − 0.5
    }

    func testActivationsAtKnownPoints() {
        let z = Tensor(shape: [1, 3], data: [-2, 0, 2])
        XCTAssertEqual(Activation.relu.apply(z).data, [0, 0, 2])
        XCTAssertEqual(Activation.linear.apply(z).data, [-2, 0, 2])
        assertClose(Activation.sigmoid.apply(z).data, [0.11920292, 0.5, 0.88079708])
        assertClose(Activation.tanh.apply(z).data, [-0.96402758, 0, 0.96402758])
        // softmax of (−2, 0, 2): e^(z − 2) / Σ = (0.01587624, 0.11731043, 0.86681333)
        assertClose(Activation.softmax.apply(z).data, [0.01587624, 0.11731043, 0.86681333])
        XCTAssertEqual(Activation.sigmoid(-100), Activation.sigmoid(-100))  // no NaN far out
        XCTAssertEqual(Activation.sigmoid(100), 1)
    }

    func testDropoutScalesKeptValuesAndIsOffAtInference() throws {
        let dropout = Dropout(rate: 0.5)
        _ = try Sequential(inputShape: [1000], layers: [dropout], seed: 3)
        let x = Tensor(shape: [1, 1000], repeating: 1)
        XCTAssertEqual(try dropout.forward(x, training: false), x)
        let y = try dropout.forward(x, training: true)
        XCTAssertTrue(y.data.allSatisfy { $0 == 0 || $0 == 2 })
        let kept = y.data.filter { $0 == 2 }.count
        XCTAssertTrue((400...600).contains(kept), "kept \(kept) of 1000 at rate 0.5")
        // Backward applies the same mask.
        let dx = try dropout.backward(Tensor(shape: [1, 1000], repeating: 1))
        XCTAssertEqual(dx.data, y.data)
    }
}
