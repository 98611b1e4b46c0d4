import Foundation

/// What the progress bar shows at one moment of training.
struct ProgressSnapshot {
    /// The model being trained.
    var model: String
    /// The current epoch (from 1) and the model's epoch count.
    var epoch: Int, epochs: Int
    /// Steps done in this epoch, and steps per epoch.
    var done: Int, total: Int
    /// Running means of the step values, in display order.
    var losses: [(String, Double)]
    /// Training throughput of this epoch so far.
    var samplesPerSecond: Double
    /// Seconds left for the model's whole run (every remaining epoch), once known.
    var remainingSeconds: Double?
}

/// The bar line for a terminal `width` columns wide: fields are shortened or dropped, least useful
/// first, until the line fits in `width - 3` columns, so it never wraps (a wrapped line would leave
/// its first row behind at every redraw), not even when the terminal echoes `^C` after it.
func progressLine(_ snapshot: ProgressSnapshot, width: Int) -> String {
    let limit = max(width - 3, 1)
    let percent = "\(100 * snapshot.done / max(snapshot.total, 1))%"
    let eta = snapshot.remainingSeconds.map { "ETA \(formatDuration($0))" }
    func bar(_ width: Int) -> String {
        let filled = width * snapshot.done / max(snapshot.total, 1)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }
    // From the fullest line to the barest: each step drops or shortens one field.
    struct Layout { var speed = true, losses = Int.max, barWidth = 24, longEpoch = true, model = true }
    var layouts = [Layout()]
    func derive(_ change: (inout Layout) -> Void) {
        var next = layouts.last!
        change(&next)
        layouts.append(next)
    }
    derive { $0.speed = false }
    for count in stride(from: snapshot.losses.count - 1, through: 1, by: -1) { derive { $0.losses = count } }
    derive { $0.barWidth = 12 }
    derive { $0.barWidth = 0 }
    derive { $0.longEpoch = false }
    derive { $0.losses = 0 }
    derive { $0.model = false }
    var line = ""
    for layout in layouts {
        var fields: [String] = []
        if layout.model { fields.append(snapshot.model) }
        fields.append(layout.longEpoch ? "epoch \(snapshot.epoch)/\(snapshot.epochs)" : "\(snapshot.epoch)/\(snapshot.epochs)")
        if layout.barWidth > 0 { fields.append(bar(layout.barWidth)) }
        fields.append(percent)
        fields += snapshot.losses.prefix(layout.losses).map { "\($0.0) \(formatLoss($0.1))" }
        if layout.speed { fields.append("\(Int(snapshot.samplesPerSecond)) samples/s") }
        if let eta { fields.append(eta) }
        line = fields.joined(separator: "  ")
        if line.count <= limit { return line }
    }
    return String(line.prefix(limit))
}

/// The seconds left for a model's whole run after step `done` of `total` in `epoch` of `epochs`, at
/// the pace since its first step (`elapsed` includes the end-of-epoch evaluations so far).
func remainingSeconds(elapsed: Double, epoch: Int, epochs: Int, done: Int, total: Int) -> Double? {
    let stepsDone = (epoch - 1) * total + done, stepsInRun = epochs * total
    guard stepsDone > 0 else { return nil }
    return elapsed / Double(stepsDone) * Double(max(stepsInRun - stepsDone, 0))
}

/// `42 s`, `3:07`, `1:02:03`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total) s" }
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
    return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
}

/// A loss as the progress output prints it.
func formatLoss(_ value: Double) -> String { String(format: Swift.abs(value) >= 100 ? "%.2f" : "%.4f", value) }

/// The columns of the terminal on standard output, or nil when it is not a terminal.
func terminalColumns() -> Int? {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
}

/// Prints progress: a bar redrawn in place on a terminal, one line per epoch otherwise.
///
/// Thread-safe: the interrupt handler reads what is being trained and closes the bar line from
/// another thread.
final class ProgressReporter: @unchecked Sendable {
    let isTerminal: Bool
    private let lock = NSLock()
    private var lineOpen = false
    private var lastDraw = Date.distantPast
    /// The model in training, its epoch count and when its first epoch started.
    private var current: (model: String, epochs: Int, start: Date)?
    private var currentEpoch = 0

    init(isTerminal: Bool = isatty(STDOUT_FILENO) != 0) { self.isTerminal = isTerminal }

    /// Orders names for display: `loss` first, then alphabetically.
    private func ordered(_ values: [String: Double]) -> [(String, Double)] {
        values.sorted { ($0.key == "loss" ? 0 : 1, $0.key) < ($1.key == "loss" ? 0 : 1, $1.key) }
    }

    /// A model starts training (its whole run's ETA counts from here).
    func beginModel(_ model: String, epochs: Int) {
        lock.withLock {
            current = (model, epochs, Date())
            currentEpoch = 1
        }
    }

    /// A model has finished training.
    func endModel() { lock.withLock { current = nil } }

    /// What is running now, for the interrupt message: `training vae (epoch 3/10)`, or nil.
    var activity: String? {
        lock.withLock { current.map { "training \($0.model) (epoch \(currentEpoch)/\($0.epochs))" } }
    }

    /// Redraws the bar (at most ten times a second) after step `done` of `total` in `epoch`.
    func update(model: String, epoch: Int, epochs: Int, done: Int, total: Int, losses: [String: Double], samplesPerSecond: Double) {
        lock.withLock {
            currentEpoch = epoch
            guard isTerminal else { return }
            let now = Date()
            guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let remaining = current.flatMap { current in
                current.model == model
                    ? remainingSeconds(elapsed: now.timeIntervalSince(current.start), epoch: epoch, epochs: epochs, done: done, total: total)
                    : nil
            }
            let snapshot = ProgressSnapshot(model: model, epoch: epoch, epochs: epochs, done: done, total: total,
                                            losses: ordered(losses), samplesPerSecond: samplesPerSecond, remainingSeconds: remaining)
            // The width is read at every redraw, so a resized terminal is followed at once.
            let line = progressLine(snapshot, width: terminalColumns() ?? 80)
            FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
            lineOpen = true
        }
    }

    func finishEpoch(model: String, epoch: Int, epochs: Int, values: [String: Double], samplesPerSecond: Double, seconds: Double) {
        let width = isTerminal ? terminalColumns() ?? 80 : nil
        printLine(epochLine(model: model, epoch: epoch, epochs: epochs, values: values,
                            samplesPerSecond: samplesPerSecond, seconds: seconds, width: width))
    }

    /// The line logged per epoch, e.g.
    /// `autoencoder  epoch 3/20  loss 0.3012  test_loss 0.3050  48211 samples/s  2.1 s`.
    /// On a terminal `width` columns wide a longer line is split before a field, the rest indented,
    /// so the terminal never wraps it mid-number; a log (width nil) keeps one line per epoch.
    func epochLine(model: String, epoch: Int, epochs: Int, values: [String: Double], samplesPerSecond: Double,
                   seconds: Double, width: Int? = nil) -> String {
        let fields = ["\(model)  epoch \(epoch)/\(epochs)"] + ordered(values).map { "\($0.0) \(formatLoss($0.1))" }
            + ["\(Int(samplesPerSecond)) samples/s", "\(String(format: "%.1f", seconds)) s"]
        guard let width else { return fields.joined(separator: "  ") }
        var lines = [fields[0]]
        for field in fields.dropFirst() {
            if lines[lines.count - 1].count + 2 + field.count < width {
                lines[lines.count - 1] += "  " + field
            } else {
                lines.append("    " + field)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Prints a full line, clearing an open progress bar first.
    func printLine(_ line: String) {
        lock.withLock {
            closeBar()
            print(line)
        }
    }

    /// Ends an open progress bar line.
    func endLine() { lock.withLock { closeBar() } }

    /// Clears the terminal's current line (the bar, or the `^C` the terminal echoed) before the
    /// interrupt message.
    func clearForInterruptMessage() {
        lock.withLock {
            if isTerminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            lineOpen = false
        }
    }

    private func closeBar() {
        if lineOpen {
            FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
            lineOpen = false
        }
    }
}
