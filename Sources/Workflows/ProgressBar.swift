import Foundation

/// Keras-style progress lines:
/// `20/20 [==============================] - 3s 136ms/step - loss: 0.6932 - accuracy: 0.5016`.
///
/// On a terminal the line is redrawn in place while the epoch runs; otherwise (a pipe, CI) only
/// the finished line is printed, so logs stay readable.
public struct ProgressBar {
    public let total: Int
    public let width = 30
    let interactive: Bool
    let start = Date()
    let output: (String) -> Void

    public init(total: Int, interactive: Bool = isatty(STDOUT_FILENO) != 0, output: @escaping (String) -> Void = ProgressBar.writeStdout) {
        self.total = total
        self.interactive = interactive
        self.output = output
    }

    /// Writes through stdout's buffer (as `print` does, so lines keep their order) and flushes.
    public static func writeStdout(_ text: String) {
        print(text, terminator: "")
        fflush(stdout)
    }

    /// The bar for `done` of `total` steps: `[=====>....]`, all `=` when complete.
    public static func bar(done: Int, total: Int, width: Int = 30) -> String {
        guard total > 0 else { return "[" + String(repeating: "=", count: width) + "]" }
        let filled = width * done / total
        if done >= total { return "[" + String(repeating: "=", count: width) + "]" }
        let arrow = filled > 0 ? String(repeating: "=", count: filled - 1) + ">" : ""
        return "[" + arrow + String(repeating: ".", count: width - arrow.count) + "]"
    }

    /// `loss: 0.6932 - accuracy: 0.5016`, Keras' four decimals.
    public static func metrics(_ values: [(String, Double)]) -> String {
        values.map { "\($0.0): \(String(format: "%.4f", $0.1))" }.joined(separator: " - ")
    }

    /// Redraws the running line (terminal only).
    public func update(done: Int, metrics: [(String, Double)]) {
        guard interactive else { return }
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        output("\r\(pad(done))/\(total) \(ProgressBar.bar(done: done, total: total, width: width)) - ETA: \(Int(eta.rounded()))s - \(ProgressBar.metrics(metrics))\u{1B}[K")
    }

    /// Prints the finished line with the epoch's time and time per step.
    public func finish(metrics: [(String, Double)], steps: Int) {
        let elapsed = Date().timeIntervalSince(start)
        let perStep = elapsed / Double(max(steps, 1)) * 1000
        let line = "\(pad(total))/\(total) \(ProgressBar.bar(done: total, total: total, width: width)) - \(Int(elapsed.rounded()))s \(Int(perStep.rounded()))ms/step - \(ProgressBar.metrics(metrics))"
        output((interactive ? "\r" : "") + line + (interactive ? "\u{1B}[K" : "") + "\n")
    }

    func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, String(total).count - s.count)) + s
    }
}
