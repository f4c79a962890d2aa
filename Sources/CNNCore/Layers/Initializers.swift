/// Keras' default initializers.
public enum Initializers {
    /// glorot_uniform: U(−L, L) with L = √(6 / (fan_in + fan_out)).
    /// For a Conv2D kernel (KH, KW, C, F): fan_in = KH·KW·C, fan_out = KH·KW·F.
    /// For a Dense kernel (I, O): fan_in = I, fan_out = O.
    public static func glorotUniform(shape: [Int], fanIn: Int, fanOut: Int, rng: inout SeededRNG) -> Tensor {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        var t = Tensor.zeros(shape)
        for i in t.data.indices { t.data[i] = rng.uniform(-limit, limit) }
        return t
    }
}
