import Foundation
import Testing
@testable import QuartierCore

@Suite("Zukunftswerkstatt: phase rules")
struct WorkshopPhaseTests {
    @Test("The phases run Kritik → Utopie → Verwirklichung, one step forward or back, never skipping or staying")
    func transitions() {
        #expect(WorkshopPhase.allCases == [.critique, .fantasy, .realisation])
        #expect(WorkshopPhase.critique.canMove(to: .fantasy))
        #expect(WorkshopPhase.fantasy.canMove(to: .realisation))
        #expect(WorkshopPhase.fantasy.canMove(to: .critique))
        #expect(WorkshopPhase.realisation.canMove(to: .fantasy))
        #expect(!WorkshopPhase.critique.canMove(to: .realisation))
        #expect(!WorkshopPhase.realisation.canMove(to: .critique))
        #expect(!WorkshopPhase.critique.canMove(to: .critique))
        #expect(WorkshopPhase.critique.transitions == [.fantasy])
        #expect(WorkshopPhase.realisation.transitions == [.fantasy])
        #expect(WorkshopPhase.critique.previous == nil && WorkshopPhase.realisation.next == nil)
        #expect(WorkshopPhase.critique < .fantasy && WorkshopPhase.fantasy < .realisation)
    }

    @Test("Cards go into the current or an earlier phase; project sketches only in the realisation phase")
    func cardsAndSketches() {
        #expect(WorkshopPhase.fantasy.acceptsFacilitatorCards(in: .critique))
        #expect(WorkshopPhase.fantasy.acceptsFacilitatorCards(in: .fantasy))
        #expect(!WorkshopPhase.fantasy.acceptsFacilitatorCards(in: .realisation))
        #expect(!WorkshopPhase.critique.acceptsFacilitatorCards(in: .fantasy))
        #expect(WorkshopPhase.realisation.allowsProjectSketches)
        #expect(!WorkshopPhase.critique.allowsProjectSketches)
        #expect(!WorkshopPhase.fantasy.allowsProjectSketches)
    }
}

@Suite("Zukunftswerkstatt: dot votes and ranking")
struct DotVotingTests {
    @Test("Most dots first; equal dots share a place and the next place is skipped; entries without dots are not ranked")
    func ranking() {
        let ranked = DotVoting.rank([(id: "a", dots: 3), (id: "b", dots: 7), (id: "c", dots: 0), (id: "d", dots: 3), (id: "e", dots: 1)])
        #expect(ranked.map(\.id) == ["b", "a", "d", "e"])
        #expect(ranked.map(\.rank) == [1, 2, 2, 4])
        #expect(ranked.map(\.isTied) == [false, true, true, false])
        #expect(ranked.map(\.dots) == [7, 3, 3, 1])
    }

    @Test("Ties keep the order they were given in; a three-way tie for first")
    func ties() {
        let ranked = DotVoting.rank([(id: 1, dots: 2), (id: 2, dots: 2), (id: 3, dots: 2), (id: 4, dots: 1)])
        #expect(ranked.map(\.id) == [1, 2, 3, 4])
        #expect(ranked.map(\.rank) == [1, 1, 1, 4])
        #expect(DotVoting.rank([(id: 1, dots: 0)]).isEmpty)
        #expect(DotVoting.rank([(id: Int, dots: Int)]()).isEmpty)
    }

    @Test("Dots are whole numbers from 0 to 999; empty is none")
    func parsing() {
        #expect(DotVoting.parse("") == 0)
        #expect(DotVoting.parse(nil) == 0)
        #expect(DotVoting.parse(" 12 ") == 12)
        #expect(DotVoting.parse("999") == 999)
        #expect(DotVoting.parse("1000") == nil)
        #expect(DotVoting.parse("-1") == nil)
        #expect(DotVoting.parse("2,5") == nil)
        #expect(DotVoting.parse("drei") == nil)
        #expect(DotVoting.parse("١٢") == nil)
    }
}

@Suite("Zukunftswerkstatt: short codes and cards")
struct WorkshopCodeTests {
    @Test("Codes have six characters from an alphabet without 0, O, 1, I and L, and are reproducible with a seed")
    func generation() {
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        let codes = (0..<200).map { _ in WorkshopCode.generate(using: &first) }
        #expect(codes == (0..<200).map { _ in WorkshopCode.generate(using: &second) })
        for code in codes {
            #expect(code.count == 6)
            #expect(!code.contains(where: { "01OIL".contains($0) }))
            #expect(WorkshopCode.normalized(code) == code)
        }
        #expect(Set(codes).count > 190)
        #expect(WorkshopCode.generate().count == 6)
    }

    @Test("Typed codes are read generously (case, a space or hyphen), anything else is no code")
    func validation() {
        #expect(WorkshopCode.normalized("k7m3qx") == "K7M3QX")
        #expect(WorkshopCode.normalized("K7M 3QX") == "K7M3QX")
        #expect(WorkshopCode.normalized("k7m-3qx") == "K7M3QX")
        #expect(WorkshopCode.normalized("K7M3Q") == nil)
        #expect(WorkshopCode.normalized("K7M3QXY") == nil)
        #expect(WorkshopCode.normalized("K0M3QX") == nil)
        #expect(WorkshopCode.normalized("../etc") == nil)
        #expect(WorkshopCode.normalized("") == nil)
        #expect(WorkshopCode.display("K7M3QX") == "K7M 3QX")
    }

    @Test("A card is one tidy line of at most 200 characters; participants are limited per phone and by the pending queue")
    func cards() {
        #expect(WorkshopLimits.cardText("  Zu wenig\n Bänke   am Hang ") == "Zu wenig Bänke am Hang")
        #expect(WorkshopLimits.cardText(" \n ") == nil)
        #expect(WorkshopLimits.cardText(nil) == nil)
        #expect(WorkshopLimits.cardText(String(repeating: "ä", count: 200)) != nil)
        #expect(WorkshopLimits.cardText(String(repeating: "ä", count: 201)) == nil)
        #expect(WorkshopLimits.checkParticipantCard(text: "Mehr Schatten", recentFromParticipant: 0, pending: 0) == nil)
        #expect(WorkshopLimits.checkParticipantCard(text: "", recentFromParticipant: 0, pending: 0) == .invalidText)
        #expect(WorkshopLimits.checkParticipantCard(text: "Mehr Schatten", recentFromParticipant: 10, pending: 0) == .tooManyFromParticipant)
        #expect(WorkshopLimits.checkParticipantCard(text: "Mehr Schatten", recentFromParticipant: 9, pending: 100) == .tooManyPending)
    }
}
