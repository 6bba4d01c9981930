/// The roles of people with an account. Residents need none: the public has no role.
public enum Role: String, Codable, CaseIterable, Sendable {
    case admin
    case staff
    case member

    /// Higher roles may do everything lower roles may.
    public var rank: Int {
        switch self {
        case .admin: 3
        case .staff: 2
        case .member: 1
        }
    }

    public func includes(_ required: Role) -> Bool {
        rank >= required.rank
    }
}
