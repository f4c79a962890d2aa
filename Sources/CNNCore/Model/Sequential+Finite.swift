extension Sequential {
    /// `forward`, then a check that the answer is made of finite numbers.
    ///
    /// Weights that are finite but huge (3e38) overflow float in a layer's sums: its output holds
    /// inf, the layers after it NaN, and a probability of NaN (or the sigmoid of inf, 1.0) is
    /// nonsense rather than an answer. This throws instead, naming the first layer whose output
    /// is not finite. The forward pass is the plain one, so a sound model's numbers are unchanged;
    /// the check reads only the output and the last layer's pre-activation (the logit).
    /// `what` names the input in the message, e.g. the image's path.
    public func forwardChecked(_ input: Tensor, for what: String, trace: Trace? = nil) throws -> Tensor {
        let output = try forward(input, trace: trace)
        let logit = (layers.last as? ActivatedLayer)?.lastPreActivation
        guard output.firstNonFinite != nil || logit?.firstNonFinite != nil else { return output }
        throw try overflowError(input, for: what)
    }

    /// The error for an input whose output is not finite: runs the layers again one at a time
    /// (every pre-activation is kept) to find the first that gives NaN or inf. The fast plan's
    /// checked forward calls it too.
    public func overflowError(_ input: Tensor, for what: String) throws -> CNNError {
        let hint = "the model's weights are too large for float arithmetic: train the model again, or check where its weights came from"
        var x = input
        for layer in layers {
            x = try layer.forward(x, training: false)
            let z = (layer as? ActivatedLayer)?.lastPreActivation
            if let bad = z?.firstNonFinite ?? x.firstNonFinite {
                return .invalidInput("the model's output for \(what) is not a number: the weights overflow float (layer '\(layer.name)' gives \(Tensor.describeNonFinite(bad.value)))",
                                     hint: hint)
            }
        }
        return .invalidInput("the model's output for \(what) is not a finite number", hint: hint)
    }
}
