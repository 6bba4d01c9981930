import Fluent
import QuartierCore
import Vapor

/// The fund's part of the privacy report and of an erasure: applications made under the person's e-mail address or
/// in her full name (an application form asks for both, and people use another address than the one in the
/// directory), as the contact log's texts are searched for her name.
enum FundPrivacy {
    static func applications(email: String, name: String) -> (QueryBuilder<FundApplication>) -> QueryBuilder<FundApplication> {
        let email = email.lowercased()
        return { query in
            query.group(.or) { either in
                if !email.isEmpty { either.filter(\.$email == email) }
                if name.count >= 3 { either.filter(\.$applicantName == name) }
            }
        }
    }

    struct Entry: Content {
        let title: String
        let fundYear: Int
        let state: String
        let submittedAt: String
        let applicantName: String
        let groupName: String
        let phone: String
        let requested: String
    }

    static func report(email: String, name: String, on database: any Database) async throws -> [Entry] {
        guard !email.isEmpty || name.count >= 3 else { return [] }
        return try await applications(email: email, name: name)(FundApplication.query(on: database)).with(\.$fund).sort(\.$createdAt).limit(1000).all().map {
            Entry(title: $0.title, fundYear: $0.fund.year, state: $0.state.rawValue, submittedAt: $0.createdAt.map { $0.formatted(.iso8601) } ?? "",
                  applicantName: $0.applicantName, groupName: $0.groupName, phone: $0.phone, requested: Money.format(cents: $0.requestedCents))
        }
    }

    /// Removes her name, e-mail address and phone number from her applications. The applications themselves (project,
    /// money, decision, report) stay: the fund's accounts and the jury's decisions must still add up.
    static func erase(email: String, name: String, on database: any Database) async throws {
        guard !email.isEmpty || name.count >= 3 else { return }
        try await applications(email: email, name: name)(FundApplication.query(on: database))
            .set(\.$applicantName, to: "[gelöscht]").set(\.$email, to: "").set(\.$phone, to: "").update()
    }
}
