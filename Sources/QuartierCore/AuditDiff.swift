/// What changed in a record: field by field, before and after, for the audit log.
public struct FieldChange: Codable, Equatable, Sendable {
    public var field: String
    public var before: String?
    public var after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

public enum AuditDiff {
    /// Fields whose values differ, sorted by name. Secrets are never written out.
    public static func changes(before: [String: String], after: [String: String], redacted: Set<String> = []) -> [FieldChange] {
        Set(before.keys).union(after.keys).sorted().compactMap { field in
            let old = before[field], new = after[field]
            guard old != new else { return nil }
            if redacted.contains(field) {
                return FieldChange(field: field, before: old == nil ? nil : "•••", after: new == nil ? nil : "•••")
            }
            return FieldChange(field: field, before: old, after: new)
        }
    }
}
