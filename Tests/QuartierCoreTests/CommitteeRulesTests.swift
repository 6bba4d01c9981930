import Foundation
import Testing
@testable import QuartierCore

@Suite("Committee rules")
struct CommitteeRulesTests {
    @Test("A quorum by share rounds up; by count it is fixed; nobody present is never quorate")
    func quorum() {
        let half = QuorumRule(kind: .share, value: 50)
        #expect(half.required(votingMembers: 9) == 5)
        #expect(half.isQuorate(presentVoting: 5, votingMembers: 9))
        #expect(!half.isQuorate(presentVoting: 4, votingMembers: 9))
        #expect(QuorumRule(kind: .count, value: 3).isQuorate(presentVoting: 3, votingMembers: 12))
        #expect(!QuorumRule(kind: .count, value: 3).isQuorate(presentVoting: 0, votingMembers: 0))
        #expect(!QuorumRule(kind: .share, value: 0).isValid)
        #expect(!QuorumRule(kind: .share, value: 101).isValid)
    }

    @Test("The notice period counts Berlin calendar days, whatever the hour")
    func notice() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        let sent = calendar.date(from: DateComponents(year: 2026, month: 11, day: 20, hour: 23, minute: 30))!
        let meeting = calendar.date(from: DateComponents(year: 2026, month: 11, day: 27, hour: 18))!
        #expect(NoticePeriod.days(from: sent, to: meeting) == 7)
        #expect(NoticePeriod.isMet(noticeDays: 7, sent: sent, meeting: meeting))
        #expect(!NoticePeriod.isMet(noticeDays: 8, sent: sent, meeting: meeting))
    }
}

@Suite("Meeting states")
struct MeetingStateTests {
    @Test("A meeting is invited before it is held; a held meeting stays held; a cancelled one can be planned again")
    func transitions() {
        #expect(MeetingState.planned.canChange(to: .invited))
        #expect(!MeetingState.planned.canChange(to: .held))
        #expect(MeetingState.invited.canChange(to: .held))
        #expect(MeetingState.held.transitions.isEmpty)
        #expect(MeetingState.cancelled.canChange(to: .planned))
    }
}

@Suite("Votes")
struct VoteCountTests {
    @Test("More yes than no adopts; a tie rejects; abstentions do not count")
    func adoption() {
        #expect(VoteCount(yes: 3, no: 2, abstain: 4).isAdopted)
        #expect(!VoteCount(yes: 2, no: 2, abstain: 0).isAdopted)
        #expect(!VoteCount(yes: 0, no: 0, abstain: 5).isAdopted)
        #expect(!VoteCount(yes: -1, no: 0, abstain: 0).isValid)
    }
}
