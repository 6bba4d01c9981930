import Testing
@testable import QuartierCore

@Suite("Anliegen: the status machine, Open311 statuses, limits and places")
struct ConcernRulesTests {
    @Test("Every allowed step is allowed, every other step is refused")
    func transitions() {
        let allowed: Set<String> = [
            "new>reviewing", "new>forwarded", "new>in-progress", "new>done", "new>rejected", "new>merged",
            "reviewing>forwarded", "reviewing>in-progress", "reviewing>done", "reviewing>rejected", "reviewing>merged",
            "forwarded>in-progress", "forwarded>done", "forwarded>rejected", "forwarded>merged",
            "in-progress>forwarded", "in-progress>done", "in-progress>rejected", "in-progress>merged",
            "done>reviewing", "rejected>reviewing",
        ]
        for from in ConcernStatus.allCases {
            for to in ConcernStatus.allCases {
                #expect(from.canMove(to: to) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
        #expect(ConcernStatus.merged.next.isEmpty)
        #expect(ConcernStatus.new.next.first == .reviewing)
    }

    @Test("Open311 status and Klarschiff's detailed status follow the finer states")
    func open311() {
        #expect(ConcernStatus.allCases.filter(\.isOpen) == [.new, .reviewing, .forwarded, .inProgress])
        #expect(ConcernStatus.done.open311Status == "closed")
        #expect(ConcernStatus.forwarded.open311Status == "open")
        #expect(ConcernStatus.new.detailedStatus == "RECEIVED")
        #expect(ConcernStatus.inProgress.detailedStatus == "IN_PROCESS")
        #expect(ConcernStatus.done.detailedStatus == "PROCESSED")
        #expect(ConcernStatus.merged.detailedStatus == "REJECTED")
        #expect(ConcernStatus.matching(detailedStatus: "in_process") == [.forwarded, .inProgress])
    }

    @Test("Coordinates must both be plausible decimal degrees; German commas are read")
    func coordinates() {
        #expect(ConcernRules.coordinates(latitude: "50,7913", longitude: "8.7546")?.latitude == 50.7913)
        #expect(ConcernRules.coordinates(latitude: "91", longitude: "8") == nil)
        #expect(ConcernRules.coordinates(latitude: "50", longitude: "") == nil)
        #expect(ConcernRules.coordinates(latitude: "abc", longitude: "8") == nil)
    }

    @Test("Rate limits and service codes")
    func limits() {
        #expect(ConcernRules.allows(recent: 4, limit: ConcernRules.submissionsPerWindow))
        #expect(!ConcernRules.allows(recent: 5, limit: ConcernRules.submissionsPerWindow))
        #expect(ConcernRules.isServiceCode("spielplatz-2"))
        #expect(!ConcernRules.isServiceCode("Spielplatz"))
        #expect(!ConcernRules.isServiceCode(""))
        #expect(!ConcernRules.isServiceCode("a b"))
    }

    @Test("A moderation records what changed")
    func moderation() {
        let change = ModerationChange(before: ("A", "B"), after: ("A", "C"), personalDataHidden: true)
        #expect(!change.titleChanged && change.descriptionChanged && change.personalDataHidden)
        #expect(ModerationChange(before: ("A", "B"), after: ("A", "B"), personalDataHidden: false).isEmpty)
    }
}
