#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with posix_spawn: input on stdin, stdout and stderr read apart.
/// One poll loop writes the input while it reads both outputs, so neither a large input nor a
/// large output can block the child or us.
/// Used for PostgreSQL's own tools (initdb, pg_ctl, pg_dump, pg_restore) and by the tests to run
/// artisanctl itself.
public struct Subprocess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var succeeded: Bool { status == 0 }
        /// Both streams, for an error message.
        public var output: String { stdout + stderr }
    }

    /// Runs a program with `input` as its whole stdin and collects both outputs.
    /// `environment` nil inherits this process's; `workingDirectory` nil keeps the current one.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, input: String? = nil, workingDirectory: String? = nil
    ) throws -> Outcome {
        var pending: [UInt8]? = Array((input ?? "").utf8)
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        let status = try spawn(
            arguments, environment: environment, workingDirectory: workingDirectory,
            input: { defer { pending = nil }; return pending }, stdout: { stdout += $0 }, stderr: { stderr += $0 })
        return Outcome(status: status, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a program whose data is too large to hold: its stdin is fed by `input` (called for more
    /// until it returns nil), its stdout handed to `output` as it comes; of its stderr, the last
    /// 64 KiB are kept. An error thrown by either closure kills the program (it must not finish on a
    /// part of its input) and is thrown once it has exited.
    public static func stream(
        _ arguments: [String], environment: [String: String]? = nil,
        input: () throws -> [UInt8]? = { nil }, output: ([UInt8]) throws -> Void = { _ in }
    ) throws -> Outcome {
        var stderr: [UInt8] = []
        let status = try spawn(arguments, environment: environment, workingDirectory: nil, input: input, stdout: output) { bytes in
            stderr += bytes
            if stderr.count > 65_536 { stderr.removeFirst(stderr.count - 65_536) }
        }
        return Outcome(status: status, stdout: "", stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts the program, pumps its three streams until both outputs end, and returns its exit status.
    private static func spawn(
        _ arguments: [String], environment: [String: String]?, workingDirectory: String?,
        input: () throws -> [UInt8]?, stdout: ([UInt8]) throws -> Void, stderr: ([UInt8]) -> Void
    ) throws -> Int32 {
        let stdinPipe = try makePipe(), stdoutPipe = try makePipe(), stderrPipe = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        // posix_spawn has no portable chdir: a shell changes directory, then becomes the program.
        let arguments = workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0] + arguments } ?? arguments

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] } ?? []
        defer { envp.forEach { free($0) } }

        // The child starts with no signal blocked and default handlers, whatever this thread had
        // (a test runner blocks SIGCHLD; a shell's `wait` or a server's shutdown would hang).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let spawned = envp.isEmpty
            ? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
            : posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, &envp)
        for descriptor in [stdinPipe.read, stdoutPipe.write, stderrPipe.write] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [stdinPipe.write, stdoutPipe.read, stderrPipe.read] { close(descriptor) }
            throw ArtisanSystemError.errno("cannot run \(arguments[0])", spawned)
        }
        let failure = exchange(pid, input, stdout, stderr, stdinPipe.write, stdoutPipe.read, stderrPipe.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if let failure { throw failure }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A pipe whose ends are closed on exec from the moment they exist (another thread spawning a
    /// program at the same time must not inherit them), so only what is dup'ed onto 0, 1, 2 reaches
    /// the child: a server the child starts must not keep our pipe open.
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { throw ArtisanSystemError.errno("pipe2", errno) }
        return (ends[0], ends[1])
    }

    /// glibc's pipe2, which Swift's Glibc module leaves out (it is declared only with _GNU_SOURCE).
    private static func pipe2(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { errno = ENOSYS; return -1 }
        return unsafeBitCast(symbol, to: Pipe2.self)(ends, flags)
    }

    /// Writes what `input` gives to the child's stdin (then closes it) while handing its stdout and
    /// stderr to their readers, to their ends. A child that stops reading early only cuts the input
    /// short: the SIGPIPE of that write is blocked on this thread and consumed, not delivered to the
    /// process. The first error of `input` or `stdout` kills the child and is returned.
    private static func exchange(
        _ pid: pid_t, _ input: () throws -> [UInt8]?, _ stdout: ([UInt8]) throws -> Void, _ stderr: ([UInt8]) -> Void,
        _ stdinDescriptor: Int32, _ stdoutDescriptor: Int32, _ stderrDescriptor: Int32
    ) -> (any Error)? {
        var pipeSignal = sigset_t(), previousMask = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        var brokenPipe = false
        defer {
            if brokenPipe {
                var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        _ = fcntl(stdinDescriptor, F_SETFL, fcntl(stdinDescriptor, F_GETFL) | O_NONBLOCK)
        // Index 0 is stdin (written), 1 and 2 the outputs (read); a closed one gets fd -1.
        var descriptors = [pollfd(fd: stdinDescriptor, events: Int16(POLLOUT), revents: 0),
                           pollfd(fd: stdoutDescriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: stderrDescriptor, events: Int16(POLLIN), revents: 0)]
        var failure: (any Error)?
        func fail(_ error: any Error) {
            guard failure == nil else { return }
            failure = error
            kill(pid, SIGKILL)
        }
        func closeInput() {
            close(stdinDescriptor)
            descriptors[0].fd = -1
        }
        var pending: [UInt8] = [], written = 0
        /// Refills `pending` from `input`; false when the input is over (or failed).
        func refill() -> Bool {
            while written == pending.count {
                do {
                    guard failure == nil, let more = try input() else { return false }
                    pending = more
                    written = 0
                } catch {
                    fail(error)
                    return false
                }
            }
            return true
        }
        if !refill() { closeInput() }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while descriptors[1].fd >= 0 || descriptors[2].fd >= 0 {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[0].fd >= 0, descriptors[0].revents != 0 {
                let count = pending[written...].withUnsafeBytes { write(stdinDescriptor, $0.baseAddress, min($0.count, 65_536)) }
                if count > 0 { written += count }
                if count < 0, errno == EPIPE { brokenPipe = true }
                if (count < 0 && errno != EINTR && errno != EAGAIN) || !refill() { closeInput() }
            }
            for index in 1...2 where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = read(descriptors[index].fd, &buffer, buffer.count)
                if count > 0 {
                    let bytes = Array(buffer[0..<count])
                    if index == 2 {
                        stderr(bytes)
                    } else if failure == nil {
                        do { try stdout(bytes) } catch { fail(error) }
                    }
                } else if count == 0 || errno != EINTR {
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1
                }
            }
            if failure != nil, descriptors[0].fd >= 0 { closeInput() }
        }
        if descriptors[0].fd >= 0 { close(stdinDescriptor) }
        return failure
    }
}

/// A failed system call, with the C library's own words for errno.
public struct ArtisanSystemError: Error, CustomStringConvertible {
    public let description: String

    public static func errno(_ what: String, _ code: Int32) -> ArtisanSystemError {
        ArtisanSystemError(description: "\(what): \(String(cString: strerror(code)))")
    }
}
