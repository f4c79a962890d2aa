import ArgumentParser
import CNNCore
import Foundation

/// Turns library errors into one line on standard error and a non-zero exit, never a trap.
enum CLIError {
    static func guarding(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            StandardStreams.error("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// Runs the checks of a command's `validate()` that share their limits with the library
    /// (`Limits`): a `CNNError` becomes one line on standard error, as every other error of
    /// cnnviz, and exit status 64 (EX_USAGE, as ArgumentParser's own option errors).
    static func validating(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CNNError {
            StandardStreams.error("error: \(error)")
            throw ExitCode.validationFailure
        }
    }
}
