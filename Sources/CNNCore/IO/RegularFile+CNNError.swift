import Foundation

extension RegularFile {
    /// `read(url, limit:)` for a model, weights or checkpoint file, with its problem (missing,
    /// not a regular file, too large, unreadable) as the `CNNError` that `failure` makes from
    /// the path and the reason, e.g. `CNNError.badModelFile(path:reason:)`.
    public static func read(_ url: URL, limit: Int, failure: (_ path: String, _ reason: String) -> CNNError) throws -> Data {
        do {
            return try read(url, limit: limit)
        } catch let problem as Problem {
            throw failure(problem.path, problem.reason)
        }
    }
}
