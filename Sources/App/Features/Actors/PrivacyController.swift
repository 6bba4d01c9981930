import Fluent
import QuartierCore
import SQLKit
import Vapor

/// GDPR for the directory: an admin produces everything stored about a person (as a page and as JSON),
/// and erases a person so that nothing identifies them any more while the contact log keeps its counts.
struct PrivacyController: RouteCollection {
    struct Report: Content {
        struct Function: Content {
            let organisation: String
            let title: String
            let from: String?
            let until: String?
        }

        struct ConsentEntry: Content {
            let purpose: String
            let givenOn: String
            let source: String
            let withdrawnOn: String?
        }

        struct ContactEntry: Content {
            let date: String
            let kind: String
            let subject: String
            let notes: String
            let needs: String
        }

        struct Change: Content {
            let time: String
            let actor: String
            let action: String
            let changes: [FieldChange]
        }

        let id: String
        let givenName: String
        let familyName: String
        let email: String
        let phone: String
        let languages: String
        let street: String
        let postalCode: String
        let city: String
        let note: String
        let topics: [String]
        let functions: [Function]
        let consents: [ConsentEntry]
        let contacts: [ContactEntry]
        let changes: [Change]
        let surveys: [SurveyPrivacy.Entry]
        let newsletter: [NewsletterPrivacy.Entry]
        let concerns: [ConcernPrivacy.Entry]
        let fundApplications: [FundPrivacy.Entry]
        let createdAt: String?
        let updatedAt: String?
    }

    struct ReportContent: Encodable {
        let report: Report
        /// Her concerns and fund applications, one line each in the reader's language.
        let concernLines: [String]
        let fundLines: [String]
        let jsonURL: String
        let eraseURL: String
        let personURL: String
    }

    struct EraseContent: Encodable {
        let name: String
        let contacts: Int
        let accounts: [String]
        let action: String
        let cancelURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(role: .admin))
        admin.get(.personPrivacy(id: ":id"), use: page)
        admin.get(.personPrivacyJSON(id: ":id"), use: json)
        admin.get(.personErase(id: ":id"), use: confirmErase)
        admin.post(.personErase(id: ":id"), use: erase)
    }

    static func report(_ person: Person, on database: any Database) async throws -> Report {
        let id = try person.requireID()
        try await person.$topics.load(on: database)
        let functions = try await PersonFunction.query(on: database).filter(\.$person.$id == id).with(\.$organisation).all()
        let consents = try await Consent.query(on: database).filter(\.$person.$id == id).sort(\.$givenAt).all()
        let contacts = try await Contact.query(on: database)
            .filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactPerson.schema).where("person_id", .equal, id) })
            .sort(\.$happenedOn).all()
        let changes = try await AuditEntry.query(on: database).filter(\.$entityID == id.uuidString).sort(\.$createdAt).all()
        let iso = ISO8601DateFormatter()
        return Report(
            id: id.uuidString, givenName: person.givenName, familyName: person.familyName, email: person.email, phone: person.phone,
            languages: person.languages, street: person.street, postalCode: person.postalCode, city: person.city, note: person.note,
            topics: person.topics.map(\.name).sorted(),
            functions: functions.map { .init(organisation: $0.organisation.name, title: $0.title, from: $0.from.map(CalendarDate.iso), until: $0.until.map(CalendarDate.iso)) },
            consents: consents.map { .init(purpose: $0.purpose.rawValue, givenOn: iso.string(from: $0.givenAt), source: $0.source.rawValue, withdrawnOn: $0.withdrawnAt.map { iso.string(from: $0) }) },
            contacts: contacts.map { .init(date: CalendarDate.iso($0.happenedOn), kind: $0.kind.rawValue, subject: $0.subject, notes: $0.notes, needs: $0.needs) },
            changes: changes.map { .init(time: $0.createdAt.map { iso.string(from: $0) } ?? "", actor: $0.actorEmail, action: $0.action.rawValue, changes: $0.decodedChanges) },
            surveys: try await SurveyPrivacy.report(personID: id, on: database),
            newsletter: try await NewsletterPrivacy.report(email: person.email, on: database),
            concerns: try await ConcernPrivacy.report(email: person.email, on: database),
            fundApplications: try await FundPrivacy.report(email: person.email, name: person.displayName, on: database),
            createdAt: person.createdAt.map { iso.string(from: $0) }, updatedAt: person.updatedAt.map { iso.string(from: $0) }
        )
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let person = try await PersonController.find(req)
        let id = try person.requireID().uuidString
        let report = try await Self.report(person, on: req.db)
        let content = ReportContent(
            report: report,
            concernLines: report.concerns.map { "\($0.title) (\(req.t("concerns.status.\($0.status)")), \($0.submittedAt.prefix(10)))" },
            fundLines: report.fundApplications.map {
                "\($0.title): \($0.requested), \(req.t("fund.state.\($0.state)")) – \(req.t("fund.fund_title", String($0.fundYear))), \($0.submittedAt.prefix(10)) (\($0.applicantName)\($0.phone.isEmpty ? "" : ", " + $0.phone))"
            },
            jsonURL: SiteURL.personPrivacyJSON(id: id).path,
                                    eraseURL: SiteURL.personErase(id: id).path, personURL: SiteURL.person(id: id).path)
        return try await req.renderPage("actors/privacy", title: req.t("privacy.title", person.displayName), content)
    }

    @Sendable
    func json(req: Request) async throws -> Response {
        let person = try await PersonController.find(req)
        let response = try await Self.report(person, on: req.db).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"auskunft-\(try person.requireID().uuidString).json\"")
        return response
    }

    @Sendable
    func confirmErase(req: Request) async throws -> Response {
        let person = try await PersonController.find(req)
        let id = try person.requireID()
        let contacts = try await ContactPerson.query(on: req.db).filter(\.$person.$id == id).count()
        let accounts = try await User.query(on: req.db).filter(\.$personID == id).filter(\.$role == .member).all().map(\.email)
        let content = EraseContent(name: person.displayName, contacts: contacts, accounts: accounts, action: SiteURL.personErase(id: id.uuidString).path,
                                   cancelURL: SiteURL.person(id: id.uuidString).path)
        return try await req.renderPage("actors/erase", title: req.t("erase.title", person.displayName), content, withForms: true)
    }

    @Sendable
    func erase(req: Request) async throws -> Response {
        let person = try await PersonController.find(req)
        try await Self.erase(person, by: req)
        req.flash("erase.done")
        return req.redirect(to: SiteURL.persons.path)
    }

    /// Removes the person and every trace of their name and e-mail address. Contacts they took part in keep their
    /// date, subject and topics and count them as an erased participant; the audit log records the erasure only.
    static func erase(_ person: Person, by req: Request) async throws {
        let id = try person.requireID()
        let identifying = [person.displayName, person.email].filter { $0.count >= 3 }
        try await req.db.transaction { database in
            let links = try await ContactPerson.query(on: database).filter(\.$person.$id == id).all()
            let contacts = try await Contact.query(on: database).filter(\.$id ~~ links.map { $0.$contact.id }).all()
            for contact in contacts {
                contact.erasedParticipants += 1
                contact.subject = Self.redact(contact.subject, identifying)
                contact.notes = Self.redact(contact.notes, identifying)
                contact.needs = Self.redact(contact.needs, identifying)
                try await contact.save(on: database)
            }
            for text in identifying {
                let entries = try await AuditEntry.query(on: database).filter(\.$changes ~~ text).all()
                for entry in entries {
                    entry.changes = Self.redact(entry.changes, identifying)
                    try await entry.save(on: database)
                }
                for feedback in try await Feedback.query(on: database).filter(\.$email == text).all() {
                    feedback.email = nil
                    feedback.name = nil
                    try await feedback.save(on: database)
                }
            }
            try await ConcernPrivacy.erase(email: person.email, on: database)
            try await FundPrivacy.erase(email: person.email, name: person.displayName, on: database)
            try await NewsletterPrivacy.erase(email: person.email, on: database)
            try await OutboxPrivacy.erase(recipient: person.email, on: database)
            for task in try await CommitteeTask.query(on: database).filter(\.$person.$id == id).all() {
                task.assignee = "[gelöscht]"
                try await task.save(on: database)
            }
            // A member's account exists only for her committee work: it goes with her, and the audit log keeps her
            // actions without her address. Accounts of the team are unlinked only.
            for account in try await User.query(on: database).filter(\.$personID == id).all() {
                if account.role == .member {
                    try await AuditEntry.query(on: database).filter(\.$actorEmail == account.email).set(\.$actorEmail, to: "[gelöscht]").update()
                    try await LoginAttempt.query(on: database).filter(\.$key == LoginAttempt.accountKey(account.email)).delete()
                    try await account.delete(on: database)
                } else {
                    account.personID = nil
                    try await account.save(on: database)
                }
            }
            // The person's own change history held their data; the erasure entry below replaces it.
            try await AuditEntry.query(on: database).filter(\.$entityType == Person.auditType).filter(\.$entityID == id.uuidString).delete()
            try await SurveyPrivacy.erase(personID: id, on: database)
            try await person.delete(on: database)
            try await AuditEntry(actorID: req.currentUser?.id, actorEmail: req.currentUser?.email ?? "system", action: .delete,
                                 entityType: Person.auditType, entityID: id.uuidString, changes: []).save(on: database)
        }
    }

    static func redact(_ text: String, _ identifying: [String]) -> String {
        identifying.reduce(text) { $0.replacingOccurrences(of: $1, with: "[gelöscht]", options: .caseInsensitive) }
    }
}
