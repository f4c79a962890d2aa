/// The language a lesson is told in. The coursework is in Spanish, so every lesson and every line
/// of step text exists in both.
public enum Language: String, CaseIterable, Sendable {
    case en, es

    /// Picks the English or the Spanish text.
    @inline(__always)
    public func pick(_ english: String, _ spanish: String) -> String {
        self == .en ? english : spanish
    }
}
