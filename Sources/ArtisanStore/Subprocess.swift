#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with posix_spawn: optional input on stdin, stdout and stderr
/// collected apart. One poll loop writes the input while it reads both outputs, so neither a large
/// input nor a large output can block the child or us.
/// Used for PostgreSQL's own tools (initdb, pg_ctl) and by the tests to run artisanctl itself.
public struct Subprocess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var succeeded: Bool { status == 0 }
        /// Both streams, for an error message.
        public var output: String { stdout + stderr }
    }

    /// `environment` nil inherits this process's; `workingDirectory` nil keeps the current one.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, input: String? = nil, workingDirectory: String? = nil
    ) throws -> Outcome {
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
        let (stdout, stderr) = exchange(Array((input ?? "").utf8), stdinPipe.write, stdoutPipe.read, stderrPipe.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
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

    /// Writes `input` to the child's stdin (then closes it) while reading its stdout and stderr to
    /// their ends. A child that stops reading early only cuts the input short: the SIGPIPE of that
    /// write is blocked on this thread and consumed, not delivered to the process.
    private static func exchange(_ input: [UInt8], _ stdin: Int32, _ stdout: Int32, _ stderr: Int32) -> ([UInt8], [UInt8]) {
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
        _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK)
        var outputs: [[UInt8]] = [[], []]
        // Index 0 is stdin (written), 1 and 2 the outputs (read); a closed one gets fd -1.
        var descriptors = [pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0), pollfd(fd: stdout, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
        var written = 0
        if input.isEmpty { close(stdin); descriptors[0].fd = -1 }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while descriptors[1].fd >= 0 || descriptors[2].fd >= 0 {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[0].fd >= 0, descriptors[0].revents != 0 {
                let count = input[written...].withUnsafeBytes { write(stdin, $0.baseAddress, min($0.count, 65_536)) }
                if count > 0 { written += count }
                if count < 0, errno == EPIPE { brokenPipe = true }
                if written == input.count || (count < 0 && errno != EINTR && errno != EAGAIN) {
                    close(stdin)
                    descriptors[0].fd = -1
                }
            }
            for index in 1...2 where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = read(descriptors[index].fd, &buffer, buffer.count)
                if count > 0 {
                    outputs[index - 1].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1
                }
            }
        }
        if descriptors[0].fd >= 0 { close(stdin) }
        return (outputs[0], outputs[1])
    }
}

/// A failed system call, with the C library's own words for errno.
public struct ArtisanSystemError: Error, CustomStringConvertible {
    public let description: String

    public static func errno(_ what: String, _ code: Int32) -> ArtisanSystemError {
        ArtisanSystemError(description: "\(what): \(String(cString: strerror(code)))")
    }
}
