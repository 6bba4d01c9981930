import Foundation

/// Decides whether a login attempt may proceed, given the failures recorded for one key
/// (an account or a client address). Repeated failures first slow down, then lock for a while.
public struct LoginThrottle: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Too soon after the last failure: try again after this many seconds.
        case wait(seconds: Int)
        /// Locked until this moment.
        case locked(until: Date)
    }

    /// Failures that are free of any delay.
    public var freeFailures: Int
    /// From this number of failures on, the key is locked for `lockDuration`.
    public var lockAfter: Int
    public var lockDuration: TimeInterval
    /// Failures older than this are forgotten.
    public var window: TimeInterval

    public init(freeFailures: Int, lockAfter: Int, lockDuration: TimeInterval, window: TimeInterval) {
        self.freeFailures = freeFailures
        self.lockAfter = lockAfter
        self.lockDuration = lockDuration
        self.window = window
    }

    /// Per account: three free tries, then doubling delays, locked for 15 minutes after ten failures.
    public static let account = LoginThrottle(freeFailures: 3, lockAfter: 10, lockDuration: 15 * 60, window: 60 * 60)
    /// Per address: more generous, because an office may share one address.
    public static let address = LoginThrottle(freeFailures: 10, lockAfter: 30, lockDuration: 15 * 60, window: 60 * 60)

    /// The failures still counting at `now`.
    public func activeFailures(_ failures: Int, lastFailure: Date?, now: Date) -> Int {
        guard let lastFailure, now.timeIntervalSince(lastFailure) < window else { return 0 }
        return failures
    }

    public func decision(failures: Int, lastFailure: Date?, now: Date) -> Decision {
        let count = activeFailures(failures, lastFailure: lastFailure, now: now)
        guard count > freeFailures, let lastFailure else { return .allowed }
        if count >= lockAfter {
            let until = lastFailure.addingTimeInterval(lockDuration)
            return until > now ? .locked(until: until) : .allowed
        }
        let delay = delaySeconds(afterFailures: count)
        let elapsed = now.timeIntervalSince(lastFailure)
        let remaining = Int((Double(delay) - elapsed).rounded(.up))
        return remaining > 0 ? .wait(seconds: remaining) : .allowed
    }

    /// 2, 4, 8, … seconds, capped at five minutes.
    public func delaySeconds(afterFailures count: Int) -> Int {
        let exponent = max(0, count - freeFailures)
        return min(300, 1 << min(exponent, 9))
    }
}
