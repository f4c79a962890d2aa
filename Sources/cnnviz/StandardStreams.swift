import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error as a command-line tool should treat them.
///
/// - Lines for standard error go through `fputs`, never `FileHandle.write`: on Linux that traps
///   (`try!`) when the write fails, e.g. with stderr closed (`2>&-`, EBADF) or a closed pipe with
///   SIGPIPE ignored (EPIPE). A message that cannot be shown is dropped; the exit status still says
///   what happened.
/// - A closed pipe (`cnnviz tutorial list | head -1`) ends cnnviz as it ends `cat` or `yes`: SIGPIPE
///   is set back to its default (a parent may have ignored it), so the next write stops the
///   program at once, quietly, with status 141 in the shell, and no work goes on for nobody.
/// - A failed write to standard output (`> /dev/full`) is an error: `finish()` flushes stdout and
///   exits 1 with one line on stderr, where the program would otherwise report success.
enum StandardStreams {
    /// Call first: SIGPIPE at its default, and descriptors 0–2 open.
    ///
    /// A closed descriptor 0, 1 or 2 (`>&-`) would be handed to the next file cnnviz opens, and
    /// messages meant for the terminal would land in that file. /dev/null takes the place: for 0
    /// and 1 opened read-only (reads see end of file; writes to stdout fail, so `finish()` still
    /// reports a closed stdout), for 2 write-only (messages vanish, and the `FileHandle` writes
    /// left in other files cannot trap on EBADF).
    static func prepare() {
        signal(SIGPIPE, SIG_DFL)
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY)
            if opened >= 0, opened != fd {
                dup2(opened, fd)
                close(opened)
            }
        }
    }

    /// Writes one line on standard error; a failure is ignored (there is nowhere left to say it).
    static func error(_ line: String) {
        fputs(line.hasSuffix("\n") ? line : line + "\n", stderr)
    }

    /// Flushes standard output; if any write to it failed, says so on stderr and exits 1.
    static func finish() {
        errno = 0
        let flushed = fflush(stdout) == 0
        let code = errno
        if flushed && ferror(stdout) == 0 { return }
        if code == EPIPE { exit(141) }  // SIGPIPE was ignored after all: end as quietly as the signal would
        let reason = code != 0 ? String(cString: strerror(code)) : "an earlier write failed"
        error("error: could not write the output: \(reason). Check where standard output goes (a full disk, a closed file).")
        exit(1)
    }
}
