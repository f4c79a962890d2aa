import Foundation

/// Ctrl-C during training: the first press asks the loop to stop after the current step and
/// save a checkpoint; a second press quits at once.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: Int32 = 0

    /// True once Ctrl-C was pressed (or `request()` was called).
    public static var requested: Bool { flag != 0 }

    /// Starts listening for SIGINT.
    public static func install() {
        flag = 0
        signal(SIGINT) { _ in
            if Interrupt.flag != 0 { _exit(130) }
            Interrupt.flag = 1
        }
    }

    /// Restores the default Ctrl-C behaviour.
    public static func uninstall() { signal(SIGINT, SIG_DFL) }

    /// Asks the loop to stop, as Ctrl-C does (used by tests).
    public static func request() { flag = 1 }

    public static func reset() { flag = 0 }
}
