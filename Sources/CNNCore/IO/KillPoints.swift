import Foundation

/// Numbered points in cnnviz's writes where a test can have the process killed, to prove that a
/// kill at any moment never loses a complete model or checkpoint.
///
/// With `CNNVIZ_KILL_AT=N` in the environment the process sends itself SIGKILL on reaching the
/// Nth point (counted from 1, in the order the writes happen); with `CNNVIZ_KILL_POINTS=log` it
/// prints each point to standard error ("kill point 7: checkpoint: between the two renames").
/// Without either variable a point costs one check of a constant.
public enum KillPoints {
    static let target: Int? = ProcessInfo.processInfo.environment["CNNVIZ_KILL_AT"].flatMap { Int($0) }
    static let logging = ProcessInfo.processInfo.environment["CNNVIZ_KILL_POINTS"] == "log"
    static let lock = NSLock()
    nonisolated(unsafe) static var reached = 0

    /// Marks one point; `what` says where it is, for the log.
    public static func reach(_ what: @autoclosure () -> String) {
        guard target != nil || logging else { return }
        lock.lock()
        reached += 1
        let n = reached
        lock.unlock()
        if logging { fputs("kill point \(n): \(what())\n", stderr) }
        if n == target { kill(getpid(), SIGKILL) }
    }
}
