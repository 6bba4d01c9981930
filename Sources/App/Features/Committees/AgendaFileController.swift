import Fluent
import QuartierCore
import Vapor

/// Documents on agenda items: staff attach and remove them; members of the committee download them; everybody
/// downloads those of public items of public committees.
struct AgendaFileController: RouteCollection {
    struct Upload: Content {
        var file: File?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.on(.POST, SiteURL.agendaFiles(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: upload)
        staff.post(.agendaFileDelete(id: ":id"), use: delete)
        routes.get(.file(id: ":id"), use: download)
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await AgendaItem.find(id, on: req.db),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == item.$meeting.id).with(\.$committee).first()
        else { throw Abort(.notFound) }
        let file = (try? req.content.decode(Upload.self))?.file
        var errors: [String] = []
        var accepted: (type: DocumentType, bytes: [UInt8], name: String)?
        if let file, file.data.readableBytes > 0 {
            let name = DocumentType.safeFilename(file.filename)
            let bytes = Array(file.data.readableBytesView)
            if bytes.count > DocumentType.maximumSize {
                errors.append(req.t("files.error.size", String(DocumentType.maximumSize / 1024 / 1024)))
            } else if let type = DocumentType.detect(filename: name, bytes: bytes) {
                accepted = (type, bytes, name)
            } else {
                errors.append(req.t("files.error.type", name))
            }
        } else {
            errors.append(req.t("files.error.missing"))
        }
        guard errors.isEmpty, let accepted else {
            return try await MeetingController.page(req, meeting: meeting, errors: errors, status: .badRequest)
        }
        let attached = AgendaFile(itemID: id, filename: accepted.name, type: accepted.type, bytes: accepted.bytes)
        try await req.db.transaction { database in
            try await attached.save(on: database)
            try await FileContent(id: try attached.requireID(), data: Data(accepted.bytes)).save(on: database)
            try await req.audit(.create, attached, before: nil, on: database)
        }
        req.flash("files.saved", accepted.name, String(item.position))
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let file = try await AgendaFile.query(on: req.db).filter(\.$id == id).with(\.$item).first()
        else { throw Abort(.notFound) }
        try await req.db.transaction { database in
            try await FileContent.query(on: database).filter(\.$id == id).delete()
            try await file.delete(on: database)
            try await req.audit(.delete, file, before: file.auditSnapshot, on: database)
        }
        req.flash("files.deleted", file.filename)
        return req.redirect(to: SiteURL.meeting(id: file.item.$meeting.id.uuidString).path)
    }

    @Sendable
    func download(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let file = try await AgendaFile.query(on: req.db).filter(\.$id == id).with(\.$item).first(),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == file.item.$meeting.id).with(\.$committee).first()
        else { throw Abort(.notFound) }
        let isPublic = file.item.isPublic && meeting.committee.isPublic
        // A file the reader may not see does not exist for her.
        let scope = try await req.committeeScope()
        guard isPublic || scope.contains(meeting.$committee.id) else { throw Abort(.notFound) }
        guard let content = try await FileContent.find(id, on: req.db) else { throw Abort(.notFound) }
        let response = Response(status: .ok, body: .init(data: content.data))
        response.headers.replaceOrAdd(name: .contentType, value: file.mimeType)
        let encoded = file.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "dokument"
        let ascii = String(file.filename.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: .cacheControl, value: isPublic ? "public, max-age=300" : "private, no-store")
        return response
    }

    /// The files of the given agenda items, by item, in the order they were attached.
    static func files(for itemIDs: [UUID], on database: any Database) async throws -> [UUID: [AgendaFile]] {
        guard !itemIDs.isEmpty else { return [:] }
        let files = try await AgendaFile.query(on: database).filter(\.$item.$id ~~ itemIDs).sort(\.$createdAt).all()
        return Dictionary(grouping: files, by: { $0.$item.id })
    }
}

/// A file as pages list it: name, type and size in words, and the address to download it.
struct FileLink: Encodable {
    let name: String
    let size: String
    let href: String
    let deleteURL: String?

    init(_ file: AgendaFile, language: Language, deletable: Bool) throws {
        let id = try file.requireID().uuidString
        name = file.filename
        size = FileLink.size(file.size, language)
        href = SiteURL.file(id: id).path
        deleteURL = deletable ? SiteURL.agendaFileDelete(id: id).path : nil
    }

    static func size(_ bytes: Int, _ language: Language) -> String {
        let comma = language == .de ? "," : "."
        if bytes < 1024 * 1024 {
            return "\(max(1, (bytes + 1023) / 1024)) KB"
        }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10)\(comma)\(tenths % 10) MB"
    }
}
