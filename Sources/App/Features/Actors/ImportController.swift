import Fluent
import QuartierCore
import Vapor

/// CSV import of persons (as German Excel writes them): an upload is checked line by line and shown as a preview;
/// a rejected file writes nothing. Accepted files wait as an import batch until staff confirm, choosing for each
/// duplicate whether to merge it into the existing person or skip it.
struct ImportController: RouteCollection {
    static let maximumRows = 2000
    static let maximumSize: ByteCount = "2mb"

    struct Upload: Content {
        var file: File?
    }

    struct ProblemRow: Encodable {
        let line: Int
        let column: String?
        let message: String
        let value: String?
    }

    struct PreviewRow: Encodable {
        let line: Int
        let name: String
        let email: String
        let organisation: String
        let function: String
        let duplicateOf: String?
        let duplicateHref: String?
    }

    struct PageContent: Encodable {
        let problems: [ProblemRow]
        let rows: [PreviewRow]
        let confirmURL: String?
        let uploadURL: String
        let filename: String
        let columns: String
        let newCount: Int
        let duplicateCount: Int
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.personsImport, use: form)
        staff.on(.POST, SiteURL.personsImport.pathComponents, body: .collect(maxSize: Self.maximumSize), use: upload)
        staff.post(.personsImportConfirm(id: ":id"), use: confirm)
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        try await page(req, PageContent(problems: [], rows: [], confirmURL: nil, uploadURL: SiteURL.personsImport.path, filename: "",
                                        columns: Self.columnsHelp, newCount: 0, duplicateCount: 0), status: .ok)
    }

    static let columnsHelp = "Nachname; Vorname; Organisation; Funktion; E-Mail; Telefon; Straße; PLZ; Ort; Sprachen; Themen; Seit; Notiz"

    @Sendable
    func upload(req: Request) async throws -> Response {
        let upload = try req.content.decode(Upload.self)
        guard let file = upload.file, file.data.readableBytes > 0 else {
            return try await problemsPage(req, [ImportProblem(line: 0, messageKey: "import.error.no_file")], filename: "")
        }
        let data = Data(buffer: file.data)
        var preview = ActorImport.preview(data)
        if preview.persons.count > Self.maximumRows {
            preview.problems.append(ImportProblem(line: 0, messageKey: "import.error.too_many_rows", value: String(Self.maximumRows)))
        }
        guard preview.isAcceptable else { return try await problemsPage(req, preview.problems, filename: file.filename) }
        let batch = ImportBatch(userID: req.currentUser?.id, filename: file.filename, content: data.base64EncodedString())
        try await batch.save(on: req.db)
        let duplicates = try await Self.duplicates(preview.persons, on: req.db)
        let rows = try preview.persons.map { person in
            let match = duplicates[person.line]
            return PreviewRow(line: person.line, name: person.displayName, email: person.email ?? "", organisation: person.organisation ?? "",
                              function: person.function ?? "", duplicateOf: match?.displayName,
                              duplicateHref: try match.map { SiteURL.person(id: try $0.requireID().uuidString).path })
        }
        let content = PageContent(problems: [], rows: rows, confirmURL: SiteURL.personsImportConfirm(id: try batch.requireID().uuidString).path,
                                  uploadURL: SiteURL.personsImport.path, filename: file.filename, columns: Self.columnsHelp,
                                  newCount: rows.filter { $0.duplicateOf == nil }.count, duplicateCount: duplicates.count)
        return try await page(req, content, status: .ok)
    }

    @Sendable
    func confirm(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let batch = try await ImportBatch.find(id, on: req.db),
              let data = Data(base64Encoded: batch.content)
        else { throw Abort(.notFound) }
        let preview = ActorImport.preview(data)
        guard preview.isAcceptable else { return try await problemsPage(req, preview.problems, filename: batch.filename) }
        let choices = (try? req.content.decode([String: String].self)) ?? [:]
        let duplicates = try await Self.duplicates(preview.persons, on: req.db)
        let (created, merged, skipped) = try await req.db.transaction { database -> (Int, Int, Int) in
            var created = 0, merged = 0, skipped = 0
            for imported in preview.persons {
                if let existing = duplicates[imported.line] {
                    guard choices["choice_\(imported.line)"] == "merge" else { skipped += 1; continue }
                    let before = existing.auditSnapshot
                    Self.fillEmpty(existing, from: imported)
                    try await existing.save(on: database)
                    try await Self.link(existing, imported, on: database, req: req)
                    try await req.audit(.update, existing, before: before, on: database)
                    merged += 1
                } else {
                    let person = Person(givenName: imported.givenName, familyName: imported.familyName)
                    Self.fillEmpty(person, from: imported)
                    try await person.save(on: database)
                    try await Self.link(person, imported, on: database, req: req)
                    try await req.audit(.create, person, before: nil, on: database)
                    created += 1
                }
            }
            try await batch.delete(on: database)
            return (created, merged, skipped)
        }
        req.flash("import.done", String(created), String(merged), String(skipped))
        return req.redirect(to: SiteURL.persons.path)
    }

    /// Existing persons that an imported line duplicates, by e-mail address or by name; two queries for the whole file.
    static func duplicates(_ persons: [ImportedPerson], on database: any Database) async throws -> [Int: Person] {
        let emails = persons.compactMap { ActorImport.emailKey($0.email) }
        let nameKeys = Array(Set(persons.map { ActorImport.nameKey(given: $0.givenName, family: $0.familyName) }))
        let byEmail = emails.isEmpty ? [] : try await Person.query(on: database).filter(\.$email ~~ emails).all()
        let byName = nameKeys.isEmpty ? [] : try await Person.query(on: database).filter(\.$nameKey ~~ nameKeys).all()
        var result: [Int: Person] = [:]
        for imported in persons {
            if let email = ActorImport.emailKey(imported.email), let match = byEmail.first(where: { ActorImport.emailKey($0.email) == email }) {
                result[imported.line] = match
            } else {
                let key = ActorImport.nameKey(given: imported.givenName, family: imported.familyName)
                if let match = byName.first(where: { $0.nameKey == key }) {
                    result[imported.line] = match
                }
            }
        }
        return result
    }

    /// Copies what the file knows into fields that are still empty; nothing typed in Quartier is overwritten.
    static func fillEmpty(_ person: Person, from imported: ImportedPerson) {
        func fill(_ keyPath: ReferenceWritableKeyPath<Person, String>, _ value: String?) {
            if person[keyPath: keyPath].isEmpty, let value, !value.isEmpty { person[keyPath: keyPath] = value }
        }
        fill(\.email, imported.email?.lowercased())
        fill(\.phone, imported.phone)
        fill(\.street, imported.street)
        fill(\.postalCode, imported.postalCode)
        fill(\.city, imported.city)
        fill(\.note, imported.note)
        fill(\.languages, imported.languages.joined(separator: ", "))
        person.refreshSearchKey()
    }

    /// Topics and the function in the named organisation (created when it is not in the directory yet).
    static func link(_ person: Person, _ imported: ImportedPerson, on database: any Database, req: Request) async throws {
        let topics = try await TopicInput.resolve(imported.topics, on: database)
        let existingTopics = try await person.$topics.get(on: database).compactMap(\.id)
        try await person.$topics.attach(topics.filter { !existingTopics.contains($0.id!) }, on: database)
        guard let name = imported.organisation, !name.isEmpty else { return }
        var organisation = try await Organisation.query(on: database).filter(\.$searchKey == Person.searchKey(name)).first()
        if organisation == nil {
            let created = Organisation(name: name, kind: .other)
            try await created.save(on: database)
            try await req.audit(.create, created, before: nil, on: database)
            organisation = created
        }
        guard let organisation else { return }
        let title = imported.function ?? ""
        let personID = try person.requireID(), organisationID = try organisation.requireID()
        let known = try await PersonFunction.query(on: database).filter(\.$person.$id == personID).filter(\.$organisation.$id == organisationID)
            .filter(\.$title == title).count()
        guard known == 0 else { return }
        let function = PersonFunction(personID: personID, organisationID: organisationID, title: title.isEmpty ? req.t("import.member") : title, from: imported.since)
        try await function.save(on: database)
        try await req.audit(.create, function, before: nil, on: database)
    }

    private func problemsPage(_ req: Request, _ problems: [ImportProblem], filename: String) async throws -> Response {
        let rows = problems.map { problem in
            ProblemRow(line: problem.line, column: problem.column, message: req.t(problem.messageKey, problem.value ?? ""), value: problem.value)
        }
        return try await page(req, PageContent(problems: rows, rows: [], confirmURL: nil, uploadURL: SiteURL.personsImport.path, filename: filename,
                                               columns: Self.columnsHelp, newCount: 0, duplicateCount: 0), status: .badRequest)
    }

    private func page(_ req: Request, _ content: PageContent, status: HTTPStatus) async throws -> Response {
        try await req.renderPage("actors/import", title: req.t("import.title"), content, status: status, withForms: true)
    }
}

/// An accepted upload waiting for confirmation.
final class ImportBatch: Model, @unchecked Sendable {
    static let schema = "import_batches"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "filename") var filename: String
    @Field(key: "content") var content: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID?, filename: String, content: String) {
        self.userID = userID
        self.filename = filename
        self.content = content
    }
}

struct CreateImportBatch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ImportBatch.schema)
            .id()
            .field("user_id", .uuid)
            .field("filename", .string, .required)
            .field("content", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ImportBatch.schema).delete()
    }
}
