/// What went wrong with a tutorial's numbers or lesson file, and the form that would work.
///
/// The command line prints `description` on one line and exits non-zero, so every message names
/// the option or lesson-file key at fault and ends with an example of what is expected.
public struct LessonError: Error, CustomStringConvertible, Equatable {
    /// Where the bad value came from: "--input", "my-lesson.md, header key 'kernel'", "tutorial name".
    public var source: String
    /// What is wrong with it.
    public var problem: String
    /// A correct example, e.g. `--input "1 2; 3 4"`.
    public var expected: String

    public init(source: String, problem: String, expected: String) {
        self.source = source
        self.problem = problem
        self.expected = expected
    }

    public var description: String {
        "\(source): \(problem). Expected form: \(expected)"
    }
}
