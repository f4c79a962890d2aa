import Foundation

/// The CPU time this process has used, for `--profile`: wall time alone hides work moved to
/// other threads.
enum ProcessTimes {
    /// User plus system seconds of every thread of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
