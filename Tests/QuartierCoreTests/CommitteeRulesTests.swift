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

@Suite("Meeting series, minutes approval and documents")
struct MeetingSeriesTests {
    private func berlin(_ year: Int, _ month: Int, _ day: Int, _ hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour))!
    }

    @Test("The next meeting keeps the committee's rhythm and its clock time across summer time")
    func nextDate() {
        let last = berlin(2026, 9, 15, 18)
        #expect(MeetingSeries.next(after: last, previous: berlin(2026, 7, 14, 18)) == berlin(2026, 11, 17, 18), "every nine weeks, into winter time")
        #expect(MeetingSeries.next(after: last, previous: nil) == berlin(2026, 10, 13, 18), "four weeks without a rhythm")
        #expect(MeetingSeries.intervalDays(last: last, previous: berlin(2025, 9, 15, 18)) == 28, "a year apart is no rhythm")
        #expect(MeetingSeries.intervalDays(last: last, previous: berlin(2026, 9, 14, 18)) == 28, "a day apart is no rhythm")
    }

    @Test("Only a later, invited or held meeting approves the minutes of a held meeting, once")
    func approval() {
        let held = berlin(2026, 9, 15, 18), next = berlin(2026, 11, 17, 18)
        #expect(MinutesApproval.canApprove(heldState: .held, heldStart: held, alreadyApproved: false, approvingState: .invited, approvingStart: next))
        #expect(MinutesApproval.canApprove(heldState: .held, heldStart: held, alreadyApproved: false, approvingState: .held, approvingStart: next))
        #expect(!MinutesApproval.canApprove(heldState: .held, heldStart: held, alreadyApproved: true, approvingState: .held, approvingStart: next))
        #expect(!MinutesApproval.canApprove(heldState: .invited, heldStart: held, alreadyApproved: false, approvingState: .held, approvingStart: next))
        #expect(!MinutesApproval.canApprove(heldState: .held, heldStart: next, alreadyApproved: false, approvingState: .held, approvingStart: held))
        #expect(!MinutesApproval.canApprove(heldState: .held, heldStart: held, alreadyApproved: false, approvingState: .planned, approvingStart: next))
        #expect(!MinutesApproval.canApprove(heldState: .held, heldStart: held, alreadyApproved: false, approvingState: .cancelled, approvingStart: next))
    }

    @Test("A document's type comes from its content and must match its name")
    func documentTypes() {
        let pdf = Array("%PDF-1.7\n%âãÏÓ\n".utf8)
        #expect(DocumentType.detect(filename: "Protokoll.PDF", bytes: pdf) == .pdf)
        #expect(DocumentType.detect(filename: "protokoll.docx", bytes: pdf) == nil, "a PDF named .docx")
        #expect(DocumentType.detect(filename: "bild.pdf", bytes: [0x89, 0x50, 0x4E, 0x47]) == nil, "a PNG named .pdf")
        #expect(DocumentType.detect(filename: "programm.exe", bytes: [0x4D, 0x5A]) == nil)
        #expect(DocumentType.detect(filename: "pdf", bytes: pdf) == nil, "no extension")
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 26)
        let docx = zip + Array("[Content_Types].xml....word/document.xml".utf8)
        #expect(DocumentType.detect(filename: "Einladung.docx", bytes: docx) == .docx)
        #expect(DocumentType.detect(filename: "Einladung.xlsx", bytes: docx) == nil, "a Word file named .xlsx")
        let odt = zip + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)
        #expect(DocumentType.detect(filename: "bericht.odt", bytes: odt) == .odt)
        #expect(DocumentType.detect(filename: "bericht.ods", bytes: odt) == nil)
        #expect(DocumentType.detect(filename: "alt.doc", bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]) == .doc)
        #expect(DocumentType.safeFilename("../../etc/pass\"wd\u{0}.pdf") == "passwd.pdf")
        #expect(DocumentType.safeFilename("C:\\Users\\a\\Protokoll März.pdf") == "Protokoll März.pdf")
        #expect(DocumentType.safeFilename("") == "dokument")
    }
}
