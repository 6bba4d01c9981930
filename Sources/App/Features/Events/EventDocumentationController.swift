import Fluent
import QuartierCore
import Vapor

/// The documentation of an event: protocol text, results, photos and the structured protocol (issues raised,
/// commitments, follow-ups). Staff edit it; residents read it once the published event is over.
struct EventDocumentationController: RouteCollection {
    struct TextsForm: Content {
        var protocol_text: String?
        var results: String?
    }

    struct PhotoUpload: Content {
        var file: File?
        var alt: String?
        var caption: String?
    }

    struct PhotoForm: Content {
        var alt: String?
        var caption: String?
    }

    struct EntryForm: Content {
        var kind: String?
        var text: String?
        var party: String?
        var due_on: String?
        var done: String?
    }

    /// What staff typed, shown again beside the errors so that nothing has to be typed twice.
    struct Draft: Encodable {
        var protocolText: String
        var results: String
        var photoAlt = ""
        var photoCaption = ""
        var entryKind = ProtocolEntryKind.issue.rawValue
        var entryText = ""
        var entryParty = ""
        var entryDue = ""
        /// The photo whose description failed to save, with what was typed for it.
        var photoEdit: (id: UUID, alt: String, caption: String)?

        init(_ event: Event) {
            protocolText = event.protocolText
            results = event.results
        }

        enum CodingKeys: String, CodingKey {
            case protocolText, results, photoAlt, photoCaption, entryKind, entryText, entryParty, entryDue
        }
    }

    struct PhotoRow: Encodable {
        let number: Int
        let src: String
        let alt: String
        let caption: String
        let shownCaption: String?
        let filename: String
        let size: String
        let width: Int?
        let height: Int?
        let editURL: String
        let deleteURL: String
    }

    struct EntryRow: Encodable {
        let text: [String]
        let party: String?
        let partyURL: String?
        let due: String?
        let overdue: Bool
        let done: Bool
        let tracked: Bool
        let editURL: String
        let doneURL: String
        let deleteURL: String
        let label: String
    }

    struct EntryGroup: Encodable {
        let kind: String
        let heading: String
        let empty: String
        let entries: [EntryRow]
    }

    struct StaffContent: Encodable {
        let eventURL: String
        let date: String
        let machine: String
        let end: String
        let place: String
        let isTenantAssembly: Bool
        let publicURL: String?
        let visibility: String
        let textsURL: String
        let photos: [PhotoRow]
        let photosURL: String
        let photoTypes: String
        let maximumPhotoSize: Int
        let maximumPhotos: Int
        let maximumEntries: Int
        let photosFull: Bool
        let groups: [EntryGroup]
        let entriesURL: String
        let entriesFull: Bool
        let kinds: [SelectOption]
        let draft: Draft
        let errors: [String]
    }

    struct EntryContent: Encodable {
        let event: String
        let backURL: String
        let saveURL: String
        let kinds: [SelectOption]
        let text: String
        let party: String
        let due: String
        let done: Bool
        let linked: String?
        let errors: [String]
    }

    struct PublicPhoto: Encodable {
        let src: String
        let alt: String
        let caption: String?
        let width: Int?
        let height: Int?
    }

    struct PublicEntry: Encodable {
        let text: [String]
        let party: String?
        let due: String?
        let done: Bool
    }

    struct PublicContent: Encodable {
        let date: String
        let machine: String
        let end: String
        let place: String
        let organisers: String?
        let isTenantAssembly: Bool
        let protocolText: [[String]]
        let results: [[String]]
        let photos: [PublicPhoto]
        let issues: [PublicEntry]
        let commitments: [PublicEntry]
        let followUps: [PublicEntry]
        let hasStructured: Bool
        let isEmpty: Bool
        let eventURL: String
        let calendarURL: String
    }

    /// How long browsers and proxies may keep a public photo: its bytes never change under its address.
    static let publicPhotoCache = "public, max-age=604800"

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.eventDocumentation(id: ":id"), use: show)
        staff.post(.eventDocumentation(id: ":id"), use: saveTexts)
        staff.on(.POST, SiteURL.eventDocumentationPhotos(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: uploadPhoto)
        staff.post(.eventPhotoEdit(id: ":id"), use: editPhoto)
        staff.post(.eventPhotoDelete(id: ":id"), use: deletePhoto)
        staff.post(.eventDocumentationEntries(id: ":id"), use: addEntry)
        staff.get(.protocolEntry(id: ":id"), use: showEntry)
        staff.post(.protocolEntry(id: ":id"), use: saveEntry)
        staff.post(.protocolEntryDone(id: ":id"), use: toggleDone)
        staff.post(.protocolEntryDelete(id: ":id"), use: deleteEntry)
        routes.get(.eventPhoto(id: ":id"), use: photo)
        routes.get(.publicEventDocumentation(id: ":id")) { req in
            try await req.application.pageCache.respond(req) { try await Self.publicPage(req) }
        }
    }

    // MARK: Staff page

    @Sendable
    func show(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        return try await Self.page(req, event: event, draft: Draft(event), errors: [], status: .ok)
    }

    static func page(_ req: Request, event: Event, draft: Draft, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try event.requireID()
        let photos = try await EventPhoto.query(on: req.db).filter(\.$event.$id == id).sort(\.$createdAt).sort(\.$id)
            .limit(EventDocumentationRules.maximumPhotos).all()
        let entries = try await EventProtocolEntry.query(on: req.db).filter(\.$event.$id == id).with(\.$person).with(\.$organisation)
            .sort(\.$position).limit(EventDocumentationRules.maximumEntries).all()
        let today = CalendarDate.today()
        let isPublic = EventDocumentationRules.isPublic(state: event.state, endsAt: event.endsAt)
        let visibility: String
        if isPublic {
            visibility = req.t("documentation.visibility.public")
        } else if event.state == .published {
            visibility = req.t("documentation.visibility.after_end")
        } else {
            visibility = req.t("documentation.visibility.\(event.state.rawValue)")
        }
        let content = StaffContent(
            eventURL: SiteURL.event(id: id.uuidString).path,
            date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt),
            end: BerlinTime.time(event.endsAt, req.language), place: event.place,
            isTenantAssembly: event.format == .tenantAssembly,
            publicURL: isPublic ? SiteURL.publicEventDocumentation(id: id.uuidString).path : nil,
            visibility: visibility,
            textsURL: SiteURL.eventDocumentation(id: id.uuidString).path,
            photos: try photos.enumerated().map { index, photo in
                let photoID = try photo.requireID()
                let edited = draft.photoEdit?.id == photoID ? draft.photoEdit : nil
                return PhotoRow(number: index + 1, src: SiteURL.eventPhoto(id: photoID.uuidString).path, alt: edited?.alt ?? photo.altText,
                                caption: edited?.caption ?? photo.caption, shownCaption: photo.caption.isEmpty ? nil : photo.caption, filename: photo.filename, size: FileLink.size(photo.size, req.language),
                                width: photo.width > 0 ? photo.width : nil, height: photo.height > 0 ? photo.height : nil,
                                editURL: SiteURL.eventPhotoEdit(id: photoID.uuidString).path,
                                deleteURL: SiteURL.eventPhotoDelete(id: photoID.uuidString).path)
            },
            photosURL: SiteURL.eventDocumentationPhotos(id: id.uuidString).path,
            photoTypes: ImageType.acceptedExtensions,
            maximumPhotoSize: ImageType.maximumSize / 1024 / 1024,
            maximumPhotos: EventDocumentationRules.maximumPhotos,
            maximumEntries: EventDocumentationRules.maximumEntries,
            photosFull: photos.count >= EventDocumentationRules.maximumPhotos,
            groups: try ProtocolEntryKind.allCases.map { kind in
                EntryGroup(
                    kind: kind.rawValue, heading: req.t("documentation.kind.\(kind.rawValue).plural"), empty: req.t("documentation.kind.\(kind.rawValue).empty"),
                    entries: try entries.filter { $0.kind == kind }.map { try Self.row($0, today: today, req) }
                )
            },
            entriesURL: SiteURL.eventDocumentationEntries(id: id.uuidString).path,
            entriesFull: entries.count >= EventDocumentationRules.maximumEntries,
            kinds: Self.kindOptions(selected: draft.entryKind, req),
            draft: draft,
            errors: errors
        )
        return try await req.renderPage("events/documentation", title: req.t("documentation.staff_title", event.title), content,
                                        status: status, withForms: true)
    }

    static func row(_ entry: EventProtocolEntry, today: Date, _ req: Request) throws -> EntryRow {
        let id = try entry.requireID().uuidString
        var partyURL: String?
        if let person = entry.person {
            partyURL = SiteURL.person(id: try person.requireID().uuidString).path
        } else if let organisation = entry.organisation {
            partyURL = SiteURL.organisation(id: try organisation.requireID().uuidString).path
        }
        let lines = PlainText.lines(entry.text)
        return EntryRow(
            text: lines, party: entry.kind.isTracked ? entry.who : nil, partyURL: partyURL,
            due: entry.kind.isTracked ? entry.dueOn.map { CalendarDate.display($0, req.language) } : nil,
            overdue: entry.kind.isTracked && entry.doneAt == nil && (entry.dueOn.map { $0 < today } ?? false),
            done: entry.kind.isTracked && entry.doneAt != nil, tracked: entry.kind.isTracked,
            editURL: SiteURL.protocolEntry(id: id).path, doneURL: SiteURL.protocolEntryDone(id: id).path,
            deleteURL: SiteURL.protocolEntryDelete(id: id).path,
            label: String((lines.first ?? "").prefix(60))
        )
    }

    static func kindOptions(selected: String, _ req: Request) -> [SelectOption] {
        ProtocolEntryKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("documentation.kind.\($0.rawValue)"), selected: $0.rawValue == selected) }
    }

    /// Protocol text and results.
    @Sendable
    func saveTexts(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        let input = try req.content.decode(TextsForm.self)
        var draft = Draft(event)
        draft.protocolText = (input.protocol_text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        draft.results = (input.results ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let limit = EventDocumentationRules.maximumTextLength
        var errors: [String] = []
        if draft.protocolText.count > limit { errors.append(req.t("documentation.error.protocol_long", String(limit))) }
        if draft.results.count > limit { errors.append(req.t("documentation.error.results_long", String(limit))) }
        guard errors.isEmpty else { return try await Self.page(req, event: event, draft: draft, errors: errors, status: .badRequest) }
        let before = event.auditSnapshot
        event.protocolText = draft.protocolText
        event.results = draft.results
        try await event.save(on: req.db)
        try await req.audit(.update, event, before: before)
        req.application.pageCache.clear()
        req.flash("documentation.texts_saved")
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path)
    }

    // MARK: Photos

    @Sendable
    func uploadPhoto(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        let id = try event.requireID()
        let input = try? req.content.decode(PhotoUpload.self)
        var draft = Draft(event)
        draft.photoAlt = (input?.alt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        draft.photoCaption = (input?.caption ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        let accepted = UploadedPhoto.accept(input?.file, errors: &errors, req: req)
        if (input?.file?.data.readableBytes ?? 0) == 0 { errors.append(req.t("documentation.error.photo_missing")) }
        errors += Self.checkDescription(alt: draft.photoAlt, caption: draft.photoCaption, req)
        let count = try await EventPhoto.query(on: req.db).filter(\.$event.$id == id).count()
        if count >= EventDocumentationRules.maximumPhotos {
            errors.append(req.t("documentation.error.photos_full", String(EventDocumentationRules.maximumPhotos)))
        }
        guard errors.isEmpty, let accepted else { return try await Self.page(req, event: event, draft: draft, errors: errors, status: .badRequest) }
        let photo = EventPhoto(eventID: id, filename: accepted.name, type: accepted.type, bytes: accepted.bytes,
                               altText: draft.photoAlt, caption: draft.photoCaption)
        try await req.db.transaction { database in
            try await photo.save(on: database)
            try await FileContent(id: try photo.requireID(), data: Data(accepted.bytes)).save(on: database)
            try await req.audit(.create, photo, before: nil, on: database)
        }
        req.application.pageCache.clear()
        req.flash("documentation.photo_saved", accepted.name)
        return req.redirect(to: SiteURL.eventDocumentation(id: id.uuidString).path + "#fotos")
    }

    static func checkDescription(alt: String, caption: String, _ req: Request) -> [String] {
        var errors: [String] = []
        if alt.isEmpty { errors.append(req.t("documentation.error.alt_missing")) }
        if alt.count > EventDocumentationRules.maximumAltLength {
            errors.append(req.t("documentation.error.alt_long", String(EventDocumentationRules.maximumAltLength)))
        }
        if caption.count > EventDocumentationRules.maximumCaptionLength {
            errors.append(req.t("documentation.error.caption_long", String(EventDocumentationRules.maximumCaptionLength)))
        }
        return errors
    }

    /// A photo's text for screen readers and its caption.
    @Sendable
    func editPhoto(req: Request) async throws -> Response {
        let (photo, event) = try await Self.findPhoto(req)
        let input = try req.content.decode(PhotoForm.self)
        let alt = (input.alt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let caption = (input.caption ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let errors = Self.checkDescription(alt: alt, caption: caption, req)
        guard errors.isEmpty else {
            var draft = Draft(event)
            draft.photoEdit = (try photo.requireID(), alt, caption)
            return try await Self.page(req, event: event, draft: draft, errors: errors, status: .badRequest)
        }
        let before = photo.auditSnapshot
        photo.altText = alt
        photo.caption = caption
        try await photo.save(on: req.db)
        try await req.audit(.update, photo, before: before)
        req.application.pageCache.clear()
        req.flash("documentation.photo_updated", photo.filename)
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#fotos")
    }

    @Sendable
    func deletePhoto(req: Request) async throws -> Response {
        let (photo, event) = try await Self.findPhoto(req)
        let id = try photo.requireID()
        try await req.db.transaction { database in
            try await FileContent.query(on: database).filter(\.$id == id).delete()
            try await photo.delete(on: database)
            try await req.audit(.delete, photo, before: photo.auditSnapshot, on: database)
        }
        req.application.pageCache.clear()
        req.flash("documentation.photo_deleted", photo.filename)
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#fotos")
    }

    /// A photo as an image: public once the event's documentation is, before that only to staff.
    @Sendable
    func photo(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let photo = try await EventPhoto.find(id, on: req.db),
              let event = try await Event.find(photo.$event.id, on: req.db)
        else { throw Abort(.notFound) }
        let isPublic = EventDocumentationRules.isPublic(state: event.state, endsAt: event.endsAt)
        // A photo the reader may not see does not exist for her.
        guard isPublic || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        let etag = "\"\(photo.sha512.prefix(32))\""
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cacheControl, value: isPublic ? Self.publicPhotoCache : "private, no-store")
        headers.replaceOrAdd(name: .eTag, value: etag)
        if isPublic, req.headers.first(name: .ifNoneMatch) == etag {
            return Response(status: .notModified, headers: headers)
        }
        guard let content = try await FileContent.find(id, on: req.db) else { throw Abort(.notFound) }
        headers.replaceOrAdd(name: .contentType, value: photo.mimeType)
        let encoded = photo.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "foto"
        let ascii = String(photo.filename.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        return Response(status: .ok, headers: headers, body: .init(data: content.data))
    }

    // MARK: Structured protocol

    /// Who a commitment or follow-up names, checked and linked to the directory where the name matches.
    struct Party {
        var text = ""
        var personID: UUID?
        var organisationID: UUID?
    }

    static func party(_ typed: String?, kind: ProtocolEntryKind, errors: inout [String], _ req: Request) async throws -> Party {
        let text = (typed ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard kind.isTracked else { return Party() }
        if text.isEmpty {
            errors.append(req.t("documentation.error.party_\(kind.rawValue)"))
            return Party()
        }
        if text.count > EventDocumentationRules.maximumPartyLength {
            errors.append(req.t("documentation.error.party_long", String(EventDocumentationRules.maximumPartyLength)))
            return Party()
        }
        // A person of the directory is linked when the line names exactly one. Her name is then shown from the
        // directory, not stored here: it follows a correction, an e-mail address typed to find her never reaches
        // the public page, and when she is erased from the directory her name leaves the protocol with her.
        var ignored: [String] = []
        if let person = try await Person.named(text, errors: &ignored, req: req) {
            return Party(text: "", personID: try person.requireID())
        }
        if text.contains("@") {
            errors.append(req.t("documentation.error.party_email"))
            return Party()
        }
        let key = Person.searchKey(text)
        if let organisation = try await Organisation.query(on: req.db).filter(\.$searchKey == key).first() {
            return Party(text: text, organisationID: try organisation.requireID())
        }
        let candidates = try await Organisation.query(on: req.db).filter(\.$searchKey =~ key).limit(2).all()
        return Party(text: text, organisationID: candidates.count == 1 ? try candidates[0].requireID() : nil)
    }

    static func entryText(_ typed: String?, errors: inout [String], _ req: Request) -> String {
        let text = (typed ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { errors.append(req.t("documentation.error.text_missing")) }
        if text.count > EventDocumentationRules.maximumEntryLength {
            errors.append(req.t("documentation.error.text_long", String(EventDocumentationRules.maximumEntryLength)))
        }
        return text
    }

    @Sendable
    func addEntry(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        let id = try event.requireID()
        let input = try req.content.decode(EntryForm.self)
        var draft = Draft(event)
        draft.entryKind = input.kind ?? ""
        draft.entryText = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        draft.entryParty = (input.party ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        draft.entryDue = (input.due_on ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String] = []
        let kind = ProtocolEntryKind(rawValue: draft.entryKind)
        if kind == nil { errors.append(req.t("documentation.error.kind")) }
        let text = Self.entryText(input.text, errors: &errors, req)
        let party = try await Self.party(input.party, kind: kind ?? .issue, errors: &errors, req)
        let due = (kind?.isTracked ?? false) ? PersonController.optionalDay(input.due_on, errors: &errors, req: req) : nil
        let count = try await EventProtocolEntry.query(on: req.db).filter(\.$event.$id == id).count()
        if count >= EventDocumentationRules.maximumEntries {
            errors.append(req.t("documentation.error.entries_full", String(EventDocumentationRules.maximumEntries)))
        }
        guard errors.isEmpty, let kind else { return try await Self.page(req, event: event, draft: draft, errors: errors, status: .badRequest) }
        let position = (try await EventProtocolEntry.query(on: req.db).filter(\.$event.$id == id).max(\.$position) ?? 0) + 1
        let entry = EventProtocolEntry(eventID: id, kind: kind, text: text, party: party.text, personID: party.personID,
                                       organisationID: party.organisationID, dueOn: due, position: position)
        try await entry.save(on: req.db)
        try await req.audit(.create, entry, before: nil)
        req.application.pageCache.clear()
        req.flash("documentation.entry_saved", req.t("documentation.kind.\(kind.rawValue)"))
        return req.redirect(to: SiteURL.eventDocumentation(id: id.uuidString).path + "#protokoll-\(kind.rawValue)")
    }

    @Sendable
    func showEntry(req: Request) async throws -> Response {
        let (entry, event) = try await Self.findEntry(req)
        return try await Self.entryPage(req, entry: entry, event: event, form: nil, errors: [], status: .ok)
    }

    static func entryPage(_ req: Request, entry: EventProtocolEntry, event: Event, form: EntryForm?, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try entry.requireID().uuidString
        var linked: String?
        var party = entry.party
        if let personID = entry.$person.id, let person = try await Person.find(personID, on: req.db) {
            linked = req.t("documentation.linked_person", person.displayName)
            party = person.displayName
        } else if let organisationID = entry.$organisation.id, let organisation = try await Organisation.find(organisationID, on: req.db) {
            linked = req.t("documentation.linked_organisation", organisation.name)
        }
        let content = EntryContent(
            event: event.title, backURL: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#protokoll-\(entry.kind.rawValue)",
            saveURL: SiteURL.protocolEntry(id: id).path,
            kinds: kindOptions(selected: form?.kind ?? entry.kind.rawValue, req),
            text: form?.text ?? entry.text, party: form?.party ?? party,
            due: form?.due_on ?? entry.dueOn.map(CalendarDate.iso) ?? "",
            done: form.map { $0.done != nil } ?? (entry.doneAt != nil),
            linked: linked, errors: errors
        )
        return try await req.renderPage("events/documentation-entry", title: req.t("documentation.entry_title", event.title), content,
                                        status: status, withForms: true)
    }

    @Sendable
    func saveEntry(req: Request) async throws -> Response {
        let (entry, event) = try await Self.findEntry(req)
        let input = try req.content.decode(EntryForm.self)
        var errors: [String] = []
        let kind = ProtocolEntryKind(rawValue: input.kind ?? "")
        if kind == nil { errors.append(req.t("documentation.error.kind")) }
        let text = Self.entryText(input.text, errors: &errors, req)
        let party = try await Self.party(input.party, kind: kind ?? .issue, errors: &errors, req)
        let due = (kind?.isTracked ?? false) ? PersonController.optionalDay(input.due_on, errors: &errors, req: req) : nil
        guard errors.isEmpty, let kind else {
            return try await Self.entryPage(req, entry: entry, event: event, form: input, errors: errors, status: .badRequest)
        }
        let before = entry.auditSnapshot
        entry.kind = kind
        entry.text = text
        entry.party = party.text
        entry.$person.id = party.personID
        entry.$organisation.id = party.organisationID
        entry.dueOn = due
        let done = kind.isTracked && input.done != nil
        if done, entry.doneAt == nil { entry.doneAt = Date() }
        if !done { entry.doneAt = nil }
        try await entry.save(on: req.db)
        try await req.audit(.update, entry, before: before)
        req.application.pageCache.clear()
        req.flash("documentation.entry_updated")
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#protokoll-\(kind.rawValue)")
    }

    /// Marks a commitment or follow-up done, or open again.
    @Sendable
    func toggleDone(req: Request) async throws -> Response {
        let (entry, event) = try await Self.findEntry(req)
        guard entry.kind.isTracked else {
            return try await Self.page(req, event: event, draft: Draft(event), errors: [req.t("documentation.error.issue_done")], status: .badRequest)
        }
        let before = entry.auditSnapshot
        entry.doneAt = entry.doneAt == nil ? Date() : nil
        try await entry.save(on: req.db)
        try await req.audit(.update, entry, before: before)
        req.application.pageCache.clear()
        req.flash(entry.doneAt == nil ? "documentation.entry_reopened" : "documentation.entry_done")
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#protokoll-\(entry.kind.rawValue)")
    }

    @Sendable
    func deleteEntry(req: Request) async throws -> Response {
        let (entry, event) = try await Self.findEntry(req)
        try await entry.delete(on: req.db)
        try await req.audit(.delete, entry, before: entry.auditSnapshot)
        req.application.pageCache.clear()
        req.flash("documentation.entry_deleted")
        return req.redirect(to: SiteURL.eventDocumentation(id: try event.requireID().uuidString).path + "#protokoll-\(entry.kind.rawValue)")
    }

    // MARK: Public page

    /// The documentation residents read: only of published events that are over; a draft, a cancelled or a coming
    /// event has none. Names are those staff entered; nothing else about people is shown.
    static func publicPage(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db),
              EventDocumentationRules.isPublic(state: event.state, endsAt: event.endsAt)
        else { throw Abort(.notFound) }
        let photos = try await EventPhoto.query(on: req.db).filter(\.$event.$id == id).sort(\.$createdAt).sort(\.$id)
            .limit(EventDocumentationRules.maximumPhotos).all()
        let entries = try await EventProtocolEntry.query(on: req.db).filter(\.$event.$id == id).with(\.$person).sort(\.$position)
            .limit(EventDocumentationRules.maximumEntries).all()
        func publicEntries(_ kind: ProtocolEntryKind) -> [PublicEntry] {
            entries.filter { $0.kind == kind }.map { entry in
                PublicEntry(text: PlainText.lines(entry.text), party: kind.isTracked ? entry.who : nil,
                            due: kind.isTracked ? entry.dueOn.map { CalendarDate.display($0, req.language) } : nil,
                            done: kind.isTracked && entry.doneAt != nil)
            }
        }
        let protocolText = PlainText.paragraphs(event.protocolText), results = PlainText.paragraphs(event.results)
        let content = PublicContent(
            date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt),
            end: BerlinTime.time(event.endsAt, req.language), place: event.place, organisers: event.organisers.isEmpty ? nil : event.organisers,
            isTenantAssembly: event.format == .tenantAssembly,
            protocolText: protocolText, results: results,
            photos: try photos.map { photo in
                PublicPhoto(src: SiteURL.eventPhoto(id: try photo.requireID().uuidString).path, alt: photo.altText,
                            caption: photo.caption.isEmpty ? nil : photo.caption,
                            width: photo.width > 0 ? photo.width : nil, height: photo.height > 0 ? photo.height : nil)
            },
            issues: publicEntries(.issue), commitments: publicEntries(.commitment), followUps: publicEntries(.followUp),
            hasStructured: !entries.isEmpty,
            isEmpty: protocolText.isEmpty && results.isEmpty && photos.isEmpty && entries.isEmpty,
            eventURL: SiteURL.publicEvent(id: id.uuidString).path,
            calendarURL: SiteURL.publicEvents.path
        )
        return try await req.renderPage("events/documentation-public", title: req.t("documentation.public_title", event.title), content)
    }

    // MARK: Lookups

    static func findEvent(_ req: Request) async throws -> Event {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db) else { throw Abort(.notFound) }
        return event
    }

    static func findPhoto(_ req: Request) async throws -> (EventPhoto, Event) {
        guard let id = req.parameters.get("id", as: UUID.self), let photo = try await EventPhoto.find(id, on: req.db),
              let event = try await Event.find(photo.$event.id, on: req.db)
        else { throw Abort(.notFound) }
        return (photo, event)
    }

    static func findEntry(_ req: Request) async throws -> (EventProtocolEntry, Event) {
        guard let id = req.parameters.get("id", as: UUID.self), let entry = try await EventProtocolEntry.find(id, on: req.db),
              let event = try await Event.find(entry.$event.id, on: req.db)
        else { throw Abort(.notFound) }
        return (entry, event)
    }
}
