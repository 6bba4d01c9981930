import Fluent
import QuartierCore
import Vapor

/// Every change of a concern runs here, in one transaction with its timeline step, its audit entry and the
/// author's e-mail, so that the public page, the history and the mail never disagree.
enum ConcernDesk {
    /// Where a concern is forwarded to: an office or institution of the directory, or a committee.
    struct Responsible: Sendable {
        var organisationID: UUID?
        var committeeID: UUID?
    }

    /// Moves a concern to `target` with a public note. Throws a `UserError` and changes nothing when the step is not
    /// allowed, the note is missing or too long, or a forward names nobody.
    static func move(_ concernID: UUID, to target: ConcernStatus, note: String, responsible: Responsible? = nil,
                     mergedInto: UUID? = nil, req: Request) async throws {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw UserError(.badRequest, "concerns.error.note") }
        guard note.count <= ConcernRules.maximumNote else { throw UserError(.badRequest, "concerns.error.note_long") }
        try await req.db.withRowLock(table: Concern.schema, id: concernID, counter: "lock_version") { database in
            guard let concern = try await Concern.find(concernID, on: database) else { throw Abort(.notFound) }
            guard concern.status.canMove(to: target) else {
                throw UserError(.conflict, "concerns.error.transition", req.t("concerns.status.\(concern.status.rawValue)"),
                                req.t("concerns.status.\(target.rawValue)"))
            }
            let before = concern.auditSnapshot
            switch target {
            case .forwarded:
                guard let responsible, responsible.organisationID != nil || responsible.committeeID != nil else {
                    throw UserError(.badRequest, "concerns.error.responsible")
                }
                concern.$responsibleOrganisation.id = responsible.organisationID
                concern.$responsibleCommittee.id = responsible.committeeID
            case .merged:
                guard let mergedInto, mergedInto != concernID, let survivor = try await Concern.find(mergedInto, on: database),
                      survivor.status != .merged else {
                    throw UserError(.badRequest, "concerns.error.merge_target")
                }
                concern.$mergedInto.id = mergedInto
                // The duplicate's supporters now count for the concern it lives on in.
                survivor.supportCount += concern.supportCount
                try await survivor.save(on: database)
            default:
                break
            }
            concern.status = target
            concern.statusNote = note
            concern.statusChangedAt = Date()
            try await concern.save(on: database)
            try await ConcernStep(concernID: concernID, kind: .status, status: target, note: note, actor: req.currentUser?.email ?? "system")
                .create(on: database)
            try await req.audit(.update, concern, before: before, on: database)
            try await mail(.status, concern, note: note, req: req, on: database)
        }
        req.application.pageCache.clear()
    }

    /// Publishes a concern; refused while the author has not confirmed her address.
    static func publish(_ concern: Concern, req: Request) async throws {
        guard !concern.needsConfirmation else { throw UserError(.conflict, "concerns.error.unconfirmed") }
        guard concern.publishedAt == nil else { return }
        let before = concern.auditSnapshot
        try await req.db.transaction { database in
            concern.publishedAt = Date()
            concern.refreshVisibility()
            try await concern.save(on: database)
            try await ConcernStep(concernID: try concern.requireID(), kind: .published, note: "", actor: req.currentUser?.email ?? "system").create(on: database)
            try await req.audit(.update, concern, before: before, on: database)
            try await mail(.published, concern, note: "", req: req, on: database)
        }
        req.application.pageCache.clear()
    }

    /// Takes a concern off the public pages (it stays for staff and its author).
    static func unpublish(_ concern: Concern, req: Request) async throws {
        let before = concern.auditSnapshot
        concern.publishedAt = nil
        concern.refreshVisibility()
        try await concern.save(on: req.db)
        try await req.audit(.update, concern, before: before)
        req.application.pageCache.clear()
    }

    /// Changes the public text. The author's original stays in `title` and `description`; the moderation is kept
    /// with its reason, and the author is told what changed and why.
    static func moderate(_ concern: Concern, title: String, description: String, personalDataHidden: Bool, reason: String, req: Request) async throws {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= ConcernRules.maximumTitle else { throw UserError(.badRequest, "concerns.error.title") }
        guard !description.isEmpty, description.count <= ConcernRules.maximumDescription else { throw UserError(.badRequest, "concerns.error.description") }
        let change = ModerationChange(before: (concern.publicTitle, concern.publicDescription), after: (title, description), personalDataHidden: personalDataHidden)
        guard !change.isEmpty else { throw UserError(.badRequest, "concerns.error.moderation_unchanged") }
        guard !reason.isEmpty, reason.count <= ConcernRules.maximumNote else { throw UserError(.badRequest, "concerns.error.reason") }
        let before = concern.auditSnapshot
        let actor = req.currentUser?.email ?? "system"
        try await req.db.transaction { database in
            let id = try concern.requireID()
            try await ConcernModeration(concernID: id, actor: actor, before: (concern.publicTitle, concern.publicDescription), after: (title, description),
                                        personalDataHidden: personalDataHidden, reason: reason).create(on: database)
            concern.publicTitle = title
            concern.publicDescription = description
            try await concern.save(on: database)
            try await ConcernStep(concernID: id, kind: .moderated, note: reason, isPublic: false, actor: actor).create(on: database)
            try await req.audit(.update, concern, before: before, on: database)
            var what: [String] = []
            let language = concern.readerLanguage
            let catalog = req.application.catalog
            if change.titleChanged { what.append(catalog.text("concerns.moderation.title_changed", language)) }
            if change.descriptionChanged { what.append(catalog.text("concerns.moderation.description_changed", language)) }
            if change.personalDataHidden { what.append(catalog.text("concerns.moderation.personal_data_hidden", language)) }
            try await mail(.moderated, concern, note: what.joined(separator: ", ") + "\n\n" + reason, req: req, on: database, always: true)
        }
        req.application.pageCache.clear()
    }

    /// Links a concern to a project, or clears the link, as a public step.
    static func link(_ concern: Concern, project: Project?, req: Request) async throws {
        let before = concern.auditSnapshot
        try await req.db.transaction { database in
            concern.$project.id = try project?.requireID()
            try await concern.save(on: database)
            if let project {
                try await ConcernStep(concernID: try concern.requireID(), kind: .project, note: project.title, actor: req.currentUser?.email ?? "system")
                    .create(on: database)
            }
            try await req.audit(.update, concern, before: before, on: database)
        }
        req.application.pageCache.clear()
    }

    /// Puts a concern on a meeting's agenda as a new item that names it, as a public step.
    static func putOnAgenda(_ concern: Concern, meeting: Meeting, req: Request) async throws {
        guard concern.$agendaItem.id == nil else { throw UserError(.conflict, "concerns.error.on_agenda") }
        let before = concern.auditSnapshot
        try await req.db.transaction { database in
            let last = try await AgendaItem.query(on: database).filter(\.$meeting.$id == meeting.requireID()).sort(\.$position, .descending).first()
            let catalog = req.application.catalog
            let item = AgendaItem(meetingID: try meeting.requireID(), position: (last?.position ?? 0) + 1,
                                  title: catalog.text("concerns.agenda.item_title", .de, [concern.publicTitle]),
                                  text: concern.publicDescription + "\n\n" + SiteURL.concern(id: try concern.requireID().uuidString).absolute(req.settings),
                                  isPublic: concern.isPublic)
            try await item.create(on: database)
            try await req.audit(.create, item, before: nil, on: database)
            concern.$agendaItem.id = try item.requireID()
            try await concern.save(on: database)
            try await ConcernStep(concernID: try concern.requireID(), kind: .agenda, note: BerlinTime.date(meeting.startsAt, .de),
                                  actor: req.currentUser?.email ?? "system").create(on: database)
            try await req.audit(.update, concern, before: before, on: database)
        }
        req.application.pageCache.clear()
    }

    enum Message: String {
        case confirm, status, published, moderated
    }

    /// The e-mail for a step in the author's language. Status and publication mails go only to an author who asked
    /// for updates and confirmed her address; the confirmation and moderation notices go to any given address.
    static func mail(_ message: Message, _ concern: Concern, note: String, req: Request, on database: any Database, always: Bool = false) async throws {
        guard MailMessage.isValidAddress(concern.submitterEmail) else { return }
        if message != .confirm && !always && (!concern.wantsUpdates || concern.needsConfirmation) { return }
        if message == .moderated && concern.needsConfirmation { return }
        let language = concern.readerLanguage
        let catalog = req.application.catalog
        let link = message == .confirm ? SiteURL.concernConfirm(token: concern.token).absolute(req.settings)
            : SiteURL.concernStatusPage(token: concern.token).absolute(req.settings)
        let status = catalog.text("concerns.status.\(concern.status.rawValue)", language)
        try await OutboxMail.enqueue(
            to: concern.submitterEmail,
            subject: catalog.text("concerns.mail.\(message.rawValue).subject", language, [concern.title]),
            body: catalog.text("concerns.mail.\(message.rawValue).body", language,
                               [concern.submitterName.isEmpty ? catalog.text("concerns.mail.anonymous", language) : concern.submitterName,
                                concern.title, status, note, link]),
            purpose: "concern", on: database
        )
    }
}

/// The concerns' part of a person's privacy report and erasure: what she submitted and supported with her address.
enum ConcernPrivacy {
    struct Entry: Content {
        let title: String
        let description: String
        let status: String
        let submittedAt: String
        let wantsUpdates: Bool
    }

    static func report(email: String, on database: any Database) async throws -> [Entry] {
        guard !email.isEmpty else { return [] }
        return try await Concern.query(on: database).filter(\.$submitterEmail == email.lowercased()).sort(\.$createdAt).limit(1000).all().map {
            Entry(title: $0.title, description: $0.description, status: $0.status.rawValue,
                  submittedAt: $0.createdAt.map { $0.formatted(.iso8601) } ?? "", wantsUpdates: $0.wantsUpdates)
        }
    }

    /// Removes her name and address from her concerns and supports; the concerns themselves and the counts stay.
    static func erase(email: String, on database: any Database) async throws {
        let email = email.lowercased()
        guard !email.isEmpty else { return }
        try await Concern.query(on: database).filter(\.$submitterEmail == email)
            .set(\.$submitterEmail, to: "").set(\.$submitterName, to: "").set(\.$wantsUpdates, to: false).update()
        try await ConcernSupport.query(on: database).filter(\.$email == email).set(\.$email, to: "").update()
    }
}
