import ArgumentParser
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
}
