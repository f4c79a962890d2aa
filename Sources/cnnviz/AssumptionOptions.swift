import ArgumentParser
import Foundation
import Workflows

/// `--rescale` and `--classes`: what a Keras file does not record (ImageDataGenerator's rescale,
/// the class names), for every command that takes `--model`.
struct AssumptionOptions: ParsableArguments {
    @Option(help: "Multiply pixels by this before the model, e.g. 1/255 or 1 (default: a model folder's own; for a Keras file 1/255, or 1 if its first layer is a Rescaling).")
    var rescale: String?

    @Option(help: "Class names in class-index order, e.g. cats,dogs (default: a model folder's own; for a Keras file the data folder's, or class_0, class_1).")
    var classes: String?

    func validate() throws { _ = try overrides() }

    /// The options as the library takes them; a message for a rescale that is not a number.
    func overrides() throws -> ModelOverrides {
        var o = ModelOverrides()
        if let rescale {
            guard let value = Self.number(rescale), value.isFinite, value > 0 else {
                throw ValidationError("--rescale must be a positive number or a fraction, e.g. 1/255 or 0.5, not \"\(rescale)\".")
            }
            o.rescale = value
        }
        if let classes {
            let names = classes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.count >= 2, names.allSatisfy({ !$0.isEmpty }), Set(names).count == names.count else {
                throw ValidationError("--classes must list two or more different names separated by commas, e.g. cats,dogs.")
            }
            o.classNames = names
        }
        return o
    }

    /// "1/255" → 0.003921569; "0.5" → 0.5.
    static func number(_ text: String) -> Float? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let a = Double(parts[0].trimmingCharacters(in: .whitespaces)),
           let b = Double(parts[1].trimmingCharacters(in: .whitespaces)), b != 0 {
            return Float(a / b)
        }
        return parts.count == 1 ? Float(text.trimmingCharacters(in: .whitespaces)) : nil
    }
}
