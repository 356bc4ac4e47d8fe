#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with posix_spawn: optional input on stdin, stdout and stderr
/// collected apart (read together with poll, so a large output never blocks the child).
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
        if let input {
            var bytes = Array(input.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(stdinPipe.write, $0.baseAddress, $0.count) }
                if written < 0 { if errno == EINTR { continue } else { break } }
                bytes = bytes.dropFirst(written)
            }
        }
        close(stdinPipe.write)
        let (stdout, stderr) = drain(stdoutPipe.read, stderrPipe.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A pipe whose ends are closed on exec, so only the descriptors dup'ed onto 0, 1, 2 reach the child
    /// (a server the child starts must not keep our pipe open).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw ArtisanSystemError.errno("pipe", errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    private static func drain(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var outputs: [[UInt8]] = [[], []]
        var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var open = 2
        while open > 0 {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = read(descriptors[index].fd, &buffer, buffer.count)
                if count > 0 {
                    outputs[index].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1
                    open -= 1
                }
            }
        }
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
