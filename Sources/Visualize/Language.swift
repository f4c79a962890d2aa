/// The language a page or a lesson is told in. The coursework is in Spanish, so every lesson, every
/// line of step text and every page a student reads after the tutorials (the tour's index, the
/// training report, the explorer, the pictures page, the explanation) exists in both.
///
/// It lives in Visualize, the lowest module that writes words for people: the pages drawn here
/// need it, and Lessons and Workflows, which sit above, see it from here.
public enum Language: String, CaseIterable, Sendable {
    case en, es

    /// Picks the English or the Spanish text.
    @inline(__always)
    public func pick(_ english: String, _ spanish: String) -> String {
        self == .en ? english : spanish
    }
}

extension Language {
    /// A class name inside a sentence. The names are the data folders' (often English: "cats",
    /// "dogs"), so in Spanish they read as «labels» rather than as English words dropped into a
    /// Spanish sentence ("casi todos los dogs"); English sentences name them as they are.
    public func label(_ className: String) -> String {
        self == .en ? className : "«\(className)»"
    }
}
