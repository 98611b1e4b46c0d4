import Foundation

/// The write end of the pipe the signal handler writes the signal number into.
private nonisolated(unsafe) var signalPipeWriteEnd: Int32 = -1

/// Turns Ctrl-C (SIGINT) and `kill` (SIGTERM) into one line, a removed staging folder and exit status
/// 130 or 143, instead of a silent death that leaves `.staging-<pid>/` behind.
///
/// The signal handler only writes the signal number into a pipe (all a handler may safely do); a
/// watcher thread reads it and does the cleanup while the main thread may still be computing. While
/// a run moves its outputs into place (``deferringSignals(_:)``), the cleanup waits, so an interrupt
/// never leaves half of the old outputs and half of the new.
enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installedCommand: String?
    nonisolated(unsafe) private static var activeRun: ChapterRun?

    /// Installs the handlers for SIGINT and SIGTERM (once per process).
    static func install(command: String) {
        lock.lock()
        defer { lock.unlock() }
        guard installedCommand == nil else { return }
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }  // keep the default behaviour
        installedCommand = command
        signalPipeWriteEnd = descriptors[1]
        let readEnd = descriptors[0]
        let thread = Thread {
            var number: UInt8 = 0
            while read(readEnd, &number, 1) != 1 {
                if errno != EINTR { return }
            }
            Interruption.stop(signal: Int32(number))
        }
        thread.name = "interrupt watcher"
        thread.start()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                var number = UInt8(truncatingIfNeeded: received)
                _ = write(signalPipeWriteEnd, &number, 1)
            }
        }
    }

    /// The run whose staging folder an interrupt removes (nil when none is running).
    static func setActiveRun(_ run: ChapterRun?) {
        lock.withLock { activeRun = run }
    }

    /// Runs `body` (moving outputs into place) with the interrupt cleanup held back until it is done.
    static func deferringSignals<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The interrupt message, e.g. `interrupted by Ctrl-C (SIGINT) while training vae (epoch 3/10);
    /// nothing written: runs/vae keeps the previous run's files`.
    static func message(signal: Int32, activity: String?, outputDirectory: String?) -> String {
        let cause = signal == SIGINT ? "interrupted by Ctrl-C (SIGINT)" : signal == SIGTERM ? "terminated by SIGTERM" : "stopped by signal \(signal)"
        var line = cause + (activity.map { " while \($0)" } ?? "")
        if let outputDirectory { line += "; nothing written: \(outputDirectory) keeps the previous run's files" }
        return line
    }

    /// The watcher thread's work: clean up, print one line, exit with 128 + the signal number.
    private static func stop(signal: Int32) -> Never {
        lock.lock()  // waits while a run moves its outputs into place; never released
        let command = installedCommand ?? "chapter"
        var line = message(signal: signal, activity: nil, outputDirectory: nil)
        if let run = activeRun {
            run.progress.clearForInterruptMessage()
            run.outputs.abandon()
            line = message(signal: signal, activity: run.progress.activity, outputDirectory: run.outputs.displayPath)
        }
        fflush(stdout)
        FileHandle.standardError.write(Data("\(command): \(line)\n".utf8))
        _exit(128 + signal)
    }
}
