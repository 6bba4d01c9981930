import Foundation
import Testing
@testable import QuartierCore

@Suite("Newsletter rules")
struct NewsletterRulesTests {
    @Test("A confirmation link confirms once and only within 48 hours")
    func confirmation() {
        let asked = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(NewsletterRules.confirmationProblem(state: .pending, requestedAt: asked, now: asked.addingTimeInterval(3600)) == nil)
        #expect(NewsletterRules.confirmationProblem(state: .pending, requestedAt: asked, now: asked.addingTimeInterval(49 * 3600)) == .expired)
        #expect(NewsletterRules.confirmationProblem(state: .confirmed, requestedAt: asked, now: asked) == .used)
        #expect(NewsletterRules.confirmationProblem(state: .unsubscribed, requestedAt: asked, now: asked) == .used)
    }

    @Test("A second mail for the same address waits ten minutes")
    func resend() {
        let asked = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(!NewsletterRules.maySendAgain(lastRequest: asked, now: asked.addingTimeInterval(60)))
        #expect(NewsletterRules.maySendAgain(lastRequest: asked, now: asked.addingTimeInterval(601)))
    }

    @Test("Subscriptions and issues move only forward")
    func states() {
        #expect(SubscriptionState.pending.canMove(to: .confirmed))
        #expect(SubscriptionState.confirmed.canMove(to: .unsubscribed))
        #expect(!SubscriptionState.unsubscribed.canMove(to: .confirmed))
        #expect(!SubscriptionState.confirmed.canMove(to: .pending))
        #expect(NewsletterIssueState.draft.canMove(to: .sending))
        #expect(NewsletterIssueState.sending.canMove(to: .sent))
        #expect(!NewsletterIssueState.sent.canMove(to: .sending))
        #expect(!NewsletterIssueState.draft.canMove(to: .sent))
    }

    @Test("A subscriber gets the items of her fields of action and the general ones; no choice means everything")
    func selection() {
        let social = UUID(), housing = UUID(), green = UUID()
        let items: [(String, Set<UUID>)] = [("festival", [social]), ("tenants", [housing]), ("general", []), ("both", [social, green])]
        let pick = { (chosen: Set<UUID>) in NewsletterRules.selection(items, fields: { $0.1 }, chosen: chosen).map(\.0) }
        #expect(pick([social]) == ["festival", "general", "both"])
        #expect(pick([housing]) == ["tenants", "general"])
        #expect(pick([]) == ["festival", "tenants", "general", "both"])
    }

    @Test("The one-click headers follow RFC 8058")
    func headers() {
        let headers = NewsletterRules.unsubscribeHeaders(url: "https://quartier.example/newsletter/abmelden/abc")
        #expect(headers["List-Unsubscribe"] == "<https://quartier.example/newsletter/abmelden/abc>")
        #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
    }
}
