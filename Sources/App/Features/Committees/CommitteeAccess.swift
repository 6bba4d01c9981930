import Fluent
import QuartierCore
import Vapor

/// Whose internal committee material a reader may see: staff see every committee; a member sees the committees in
/// which her person holds a current seat, and nothing of any other.
enum CommitteeScope: Sendable {
    case all
    case only(Set<UUID>)

    func contains(_ committeeID: UUID) -> Bool {
        switch self {
        case .all: true
        case .only(let ids): ids.contains(committeeID)
        }
    }
}

extension Request {
    /// The person in the directory behind the logged-in account, if the account is linked to one.
    var currentPersonID: UUID? { currentUser?.personID }

    func committeeScope() async throws -> CommitteeScope {
        guard let user = currentUser else { return .only([]) }
        if user.role.includes(.staff) { return .all }
        return .only(Set(try await currentMemberships().map { $0.$committee.id }))
    }

    /// The current seats of the logged-in member's person, with their committees.
    func currentMemberships() async throws -> [CommitteeMembership] {
        guard let personID = currentPersonID else { return [] }
        let today = CalendarDate.today()
        return try await CommitteeMembership.query(on: db).filter(\.$person.$id == personID).with(\.$committee).with(\.$organisation).all()
            .filter { $0.period.isCurrent(at: today) }
    }
}
