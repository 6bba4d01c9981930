import Foundation

/// The participation formats of the neighbourhood management.
public enum EventFormat: String, Codable, CaseIterable, Sendable {
    case tenantAssembly = "tenant-assembly"
    case futureWorkshop = "future-workshop"
    case residentAssembly = "resident-assembly"
    case districtFestival = "district-festival"
    case workshop
    case consultation
    case information
    case roundTable = "round-table"
    case other
}

/// Whether residents see an event: a draft only staff see; published and cancelled events are public
/// (a cancelled event stays visible, marked, so that nobody comes in vain).
public enum EventState: String, Codable, CaseIterable, Sendable {
    case draft, published, cancelled

    public var isPublic: Bool { self != .draft }
}

/// Where a registration stands.
public enum RegistrationStatus: String, Codable, CaseIterable, Sendable {
    case confirmed, waiting, cancelled
}

/// Capacity and waiting list: who gets a place, and who moves up when one becomes free.
public enum RegistrationRules {
    /// The status of a new registration for `people` persons when `taken` places of `capacity` are confirmed
    /// (no capacity: unlimited). A group that does not fit as a whole waits.
    public static func status(forNew people: Int, taken: Int, capacity: Int?) -> RegistrationStatus {
        guard let capacity else { return .confirmed }
        return taken + people <= capacity ? .confirmed : .waiting
    }

    /// The waiting registrations (in the order they came) that move up when `free` places are open: first come,
    /// first served, and a group that does not fit does not block smaller ones behind it.
    public static func moveUp<ID>(waiting: [(id: ID, people: Int)], free: Int) -> [ID] {
        var left = free
        var chosen: [ID] = []
        for entry in waiting where entry.people <= left {
            chosen.append(entry.id)
            left -= entry.people
        }
        return chosen
    }

    /// How many persons one registration may bring (herself included).
    public static let maximumPeople = 10
}

/// The age groups walk-ins are counted in at the door.
public enum AgeGroup: String, Codable, CaseIterable, Sendable {
    case children, youth, adults, seniors, unknown
}
