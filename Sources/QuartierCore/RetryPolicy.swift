import Foundation

/// When a failed background job runs again: exponential backoff, then it is given up and kept as failed.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 8, baseDelay: TimeInterval = 30, maxDelay: TimeInterval = 6 * 60 * 60) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay before the next try after `attempts` failed tries, or nil when no try is left.
    public func delay(afterAttempts attempts: Int) -> TimeInterval? {
        guard attempts < maxAttempts else { return nil }
        return min(maxDelay, baseDelay * pow(2, Double(max(0, attempts - 1))))
    }
}
