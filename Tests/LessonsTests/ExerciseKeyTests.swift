import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// Every topic's key, on 100 seeds each, against a fresh computation by CNNCore's layers on the
/// numbers the problem gives (read back from its JSON, as a student's tool would read them).
final class ExerciseKeyTests: XCTestCase {
    static let seeds: ClosedRange<UInt64> = 1...100
    static let count = 3

    func testEveryTopicsKeyIsTheEnginesOnAHundredSeeds() throws {
        for topic in ExerciseTopic.allCases {
            for seed in Self.seeds {
                let sheet = try ExerciseSheet(topic: topic, seed: seed, count: Self.count)
                XCTAssertEqual(sheet.problems.count, Self.count)
                for p in sheet.problems {
                    let fresh = try Self.engine(p)
                    XCTAssertEqual(fresh.count, p.answers.count, "\(topic) seed \(seed) problem \(p.number)")
                    for (part, expected) in zip(p.answers, fresh) {
                        XCTAssertEqual(part.key, expected, "\(topic) seed \(seed) problem \(p.number) \(part.name)")
                    }
                }
            }
        }
    }

    /// The problems' numbers and their answers are small whole numbers or halves, and each
    /// worked cell ends with the key's value (the hand steps and the engine agree).
    func testNumbersAreSmallHalvesAndTheWorkEndsAtTheKey() throws {
        func isHalf(_ v: Double) -> Bool { (v * 2).rounded() == v * 2 }
        func numbers(_ v: JSONValue) -> [Double] {
            switch v {
            case .number(let n): return [n]
            case .array(let a): return a.flatMap(numbers)
            default: return []
            }
        }
        for topic in ExerciseTopic.allCases {
            for seed in Self.seeds {
                for p in try ExerciseSheet(topic: topic, seed: seed, count: Self.count).problems {
                    for g in p.given {
                        for n in numbers(g.json) {
                            XCTAssertTrue(isHalf(n), "\(topic) seed \(seed): \(g.key) has \(n)")
                            XCTAssertLessThanOrEqual(abs(n), 64, "\(topic) seed \(seed): \(g.key) has \(n)")
                        }
                    }
                    for part in p.answers {
                        for (i, v) in part.key.values.enumerated() {
                            XCTAssertTrue(isHalf(Double(v)), "\(topic) seed \(seed): \(part.name) has \(v)")
                            XCTAssertLessThanOrEqual(abs(v), 150, "\(topic) seed \(seed): \(part.name) has \(v)")
                            let last = part.work[i].last ?? ""
                            XCTAssertTrue(last.hasSuffix(NumberFormat.short(v)) || last.hasSuffix("→ \(NumberFormat.short(v))"),
                                          "\(topic) seed \(seed): '\(last)' should end at \(v)")
                        }
                    }
                }
            }
        }
    }

    func testSameSeedSameSheetDifferentSeedsDifferentSheets() throws {
        for topic in ExerciseTopic.allCases {
            var seen = Set<String>()
            for seed in Self.seeds {
                let a = try ExerciseSheet(topic: topic, seed: seed, count: Self.count, language: .es)
                let b = try ExerciseSheet(topic: topic, seed: seed, count: Self.count, language: .es)
                XCTAssertEqual(a.jsonText(answers: true), b.jsonText(answers: true))
                XCTAssertEqual(ExerciseSheetPage.sheet(a), ExerciseSheetPage.sheet(b))
                XCTAssertEqual(ExerciseSheetPage.answers(a), ExerciseSheetPage.answers(b))
                seen.insert(a.jsonText(answers: false))
            }
            XCTAssertEqual(seen.count, Self.seeds.count, "\(topic): two seeds gave the same sheet")
        }
    }

    /// Problem k does not depend on how many problems the sheet has (so `check` can recompute it).
    func testAProblemDoesNotDependOnTheCount() throws {
        let three = try ExerciseSheet(topic: .convolution, seed: 9, count: 3)
        let twenty = try ExerciseSheet(topic: .convolution, seed: 9, count: 20)
        for (a, b) in zip(three.problems, twenty.problems) {
            XCTAssertEqual(a.json(answers: true), b.json(answers: true))
        }
    }

    func testCountOutsideTheLimitsIsRefused() {
        XCTAssertThrowsError(try ExerciseSheet(topic: .relu, seed: 1, count: 0))
        XCTAssertThrowsError(try ExerciseSheet(topic: .relu, seed: 1, count: ExerciseLimits.maxCount + 1))
    }

    // MARK: - A fresh engine computation from the problem's JSON

    static func value(_ p: ExerciseProblem, _ key: String) -> JSONValue {
        p.given.first { $0.key == key }?.json ?? .null
    }

    static func matrix(_ v: JSONValue) -> Matrix {
        Matrix((v.arrayValue ?? []).map { ($0.arrayValue ?? []).map { Float($0.doubleValue ?? .nan) } })
    }

    static func engine(_ p: ExerciseProblem) throws -> [Matrix] {
        let number = { (key: String) in Float(value(p, key).doubleValue ?? .nan) }
        let int = { (key: String) in value(p, key).intValue ?? -1 }
        let padding = value(p, "padding").stringValue == "same" ? Padding.same : Padding.valid
        switch p.topic {
        case .convolution:
            let x = matrix(value(p, "input")), k = matrix(value(p, "kernel"))
            let conv = Conv2D(filters: 1, kernelSize: (k.rows, k.cols), strides: (int("stride"), int("stride")), padding: padding)
            var rng = SeededRNG(seed: 1)
            try conv.build(inputShape: [x.rows, x.cols, 1], rng: &rng)
            conv.kernel?.value = Tensor(shape: [k.rows, k.cols, 1, 1], data: k.values)
            conv.bias?.value = Tensor(shape: [1], data: [number("bias")])
            return [Matrix.channels(of: try conv.forward(x.tensor, training: false))[0]]
        case .pooling:
            let x = matrix(value(p, "input")), size = int("pool_size")
            let layer = Pooling2D(value(p, "mode").stringValue == "max" ? .max : .average, poolSize: (size, size),
                                  strides: (int("stride"), int("stride")), padding: padding)
            var rng = SeededRNG(seed: 1)
            try layer.build(inputShape: [x.rows, x.cols, 1], rng: &rng)
            return [Matrix.channels(of: try layer.forward(x.tensor, training: false))[0]]
        case .outputSize:
            let shape = (value(p, "input_shape").arrayValue ?? []).compactMap(\.intValue), s = int("stride")
            let out: [Int]
            if value(p, "layer").stringValue == "Conv2D" {
                out = try Conv2D(filters: int("filters"), kernelSize: (int("kernel_size"), int("kernel_size")), strides: (s, s),
                                 padding: padding).outputShape(for: shape)
            } else {
                out = try Pooling2D(.max, poolSize: (int("pool_size"), int("pool_size")), strides: (s, s), padding: padding)
                    .outputShape(for: shape)
            }
            return [Matrix(rows: 1, cols: 3, values: out.map(Float.init))]
        case .channels:
            let x = (value(p, "input").arrayValue ?? []).map(matrix), k = (value(p, "kernel").arrayValue ?? []).map(matrix)
            let conv = Conv2D(filters: 1, kernelSize: (3, 3))
            var rng = SeededRNG(seed: 1)
            try conv.build(inputShape: [3, 3, 3], rng: &rng)
            conv.kernel?.value = Matrix.tensor(channels: k).reshaped([3, 3, 3, 1])
            conv.bias?.value = Tensor(shape: [1], data: [number("bias")])
            return [Matrix.channels(of: try conv.forward(Matrix.tensor(channels: x), training: false))[0]]
        case .relu:
            let x = matrix(value(p, "input"))
            let relu = ActivationLayer(.relu)
            var rng = SeededRNG(seed: 1)
            try relu.build(inputShape: [x.rows, x.cols, 1], rng: &rng)
            return [Matrix.channels(of: try relu.forward(x.tensor, training: false))[0]]
        case .flattenIndex:
            // Every cell gets its own number, then Flatten: where did the asked cell's number go?
            let shape = (value(p, "input_shape").arrayValue ?? []).compactMap(\.intValue)
            let at = (value(p, "position").arrayValue ?? []).compactMap(\.intValue)
            let (h, w, c) = (shape[0], shape[1], shape[2])
            let grids = (0..<c).map { ch in Matrix(rows: h, cols: w, values: (0..<(h * w)).map { Float($0 * 10 + ch) }) }
            let flatten = Flatten()
            var rng = SeededRNG(seed: 1)
            try flatten.build(inputShape: [h, w, c], rng: &rng)
            let flat = try flatten.forward(Matrix.tensor(channels: grids), training: false)
            let index = flat.data.firstIndex(of: Float((at[0] * w + at[1]) * 10 + at[2])) ?? -1
            return [Matrix(rows: 1, cols: 1, values: [Float(index)])]
        case .dense:
            let x = (value(p, "input").arrayValue ?? []).map { Float($0.doubleValue ?? .nan) }
            let w = (value(p, "kernel").arrayValue ?? []).map { Float($0.doubleValue ?? .nan) }
            let dense = Dense(units: 1)
            var rng = SeededRNG(seed: 1)
            try dense.build(inputShape: [x.count], rng: &rng)
            dense.kernel?.value = Tensor(shape: [w.count, 1], data: w)
            dense.bias?.value = Tensor(shape: [1], data: [number("bias")])
            return [Matrix(rows: 1, cols: 1, values: try dense.forward(Tensor(shape: [1, x.count], data: x), training: false).data)]
        case .backprop:
            let x = matrix(value(p, "input")), k = matrix(value(p, "kernel")), t = matrix(value(p, "target"))
            let conv = Conv2D(filters: 1, kernelSize: (2, 2))
            var rng = SeededRNG(seed: 1)
            try conv.build(inputShape: [3, 3, 1], rng: &rng)
            conv.kernel?.value = Tensor(shape: [2, 2, 1, 1], data: k.values)
            conv.bias?.value = Tensor(shape: [1], data: [number("bias")])
            let y = try conv.forward(x.tensor, training: true)
            let dy = Tensor(shape: y.shape, data: zip(y.data, t.values).map { $0 - $1 })  // d/dy of ½Σ(y − t)²
            _ = try conv.backward(dy)
            let gradient = Matrix(rows: 2, cols: 2, values: conv.kernel?.gradient.data ?? [])
            SGD(learningRate: number("learning_rate")).step(conv.parameters)
            return [Matrix.channels(of: y)[0], gradient, Matrix(rows: 2, cols: 2, values: conv.kernel?.value.data ?? [])]
        }
    }
}
