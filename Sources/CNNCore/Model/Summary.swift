/// A table like Keras' `model.summary()`.
public enum Summary {
    public static func text(_ model: Sequential, name: String = "sequential") -> String {
        let rows = model.layers.enumerated().map { i, layer in
            ("\(layer.name) (\(layer.kind))", CNNError.format([-1] + model.outputShapes[i]), grouped(layer.parameterCount + layer.bufferCount))
        }
        let w0 = max(28, (rows.map(\.0.count).max() ?? 0) + 2)
        let w1 = max(24, (rows.map(\.1.count).max() ?? 0) + 2)
        let w2 = max(14, rows.map(\.2.count).max() ?? 0)
        let width = w0 + w1 + w2 + 4
        func row(_ a: String, _ b: String, _ c: String) -> String {
            a.padding(toLength: w0, withPad: " ", startingAt: 0) + "  " + b.padding(toLength: w1, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: max(0, w2 - c.count)) + c
        }
        var lines = ["Model: \"\(name)\"", String(repeating: "━", count: width),
                     row("Layer (type)", "Output Shape", "Param #"), String(repeating: "━", count: width)]
        for (i, r) in rows.enumerated() {
            lines.append(row(r.0, r.1, r.2))
            lines.append(String(repeating: i == rows.count - 1 ? "━" : "─", count: width))
        }
        // Keras' three lines: every weight, those an optimizer updates, and the buffers
        // (BatchNormalization's moving statistics) that only the forward pass changes.
        let trainable = model.parameterCount, frozen = model.bufferCount, total = trainable + frozen
        lines.append(" Total params: \(grouped(total)) (\(bytes(total * 4)))")
        lines.append(" Trainable params: \(grouped(trainable)) (\(bytes(trainable * 4)))")
        lines.append(" Non-trainable params: \(grouped(frozen)) (\(bytes(frozen * 4)))")
        return lines.joined(separator: "\n")
    }

    /// 3937409 → "3,937,409".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }

    /// Keras prints the parameter memory: 15,749,636 bytes → "15.02 MB".
    static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let rounded = (value * 100).rounded() / 100
        let text = String(rounded)
        let parts = text.split(separator: ".")
        let decimals = parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        return "\(parts[0]).\(decimals) \(units[unit])"
    }
}
