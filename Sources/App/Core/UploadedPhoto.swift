import Fluent
import QuartierCore
import Vapor

/// A photo from a form: JPEG or PNG by its content (the name must agree), within `ImageType.maximumSize`, without
/// its metadata (GPS position, time, device, author; see `ImageMetadata`).
struct UploadedPhoto {
    let type: ImageType
    let bytes: [UInt8]
    let name: String

    /// The photo in `file`, or nil: without a file silently (the caller decides whether one is needed), otherwise
    /// with a message in the reader's language.
    static func accept(_ file: File?, errors: inout [String], req: Request) -> UploadedPhoto? {
        guard let file, file.data.readableBytes > 0 else { return nil }
        let name = DocumentType.safeFilename(file.filename)
        guard file.data.readableBytes <= ImageType.maximumSize else {
            errors.append(req.t("documentation.error.photo_size", String(ImageType.maximumSize / 1024 / 1024)))
            return nil
        }
        let bytes = Array(file.data.readableBytesView)
        guard let type = ImageType.detect(filename: name, bytes: bytes) else {
            errors.append(req.t("documentation.error.photo_type", name))
            return nil
        }
        // Where, when and with what the photo was taken is nobody's business: the metadata goes before it is stored.
        guard let clean = ImageMetadata.strip(bytes, type: type) else {
            errors.append(req.t("documentation.error.photo_type", name))
            return nil
        }
        return UploadedPhoto(type: type, bytes: clean, name: name)
    }
}

/// Photos stored before uploads were cleaned (see `ImageMetadata`) lose their metadata too: every stored file that
/// is a JPEG or PNG by its content, whatever it belongs to, a few at a time. A file whose structure is broken stays
/// as it is.
struct UpdateFilesStripPhotoMetadata: AsyncMigration {
    static let batch = 20

    func prepare(on database: any Database) async throws {
        var after: UUID?
        while true {
            let query = FileContent.query(on: database).sort(\.$id).limit(Self.batch)
            if let after { query.filter(\.$id > after) }
            let files = try await query.all()
            guard let last = files.last else { return }
            for file in files {
                let bytes = Array(file.data)
                guard let type = ImageType.detect(bytes: bytes), let clean = ImageMetadata.strip(bytes, type: type), clean != bytes else { continue }
                file.data = Data(clean)
                try await file.save(on: database)
            }
            after = try last.requireID()
        }
    }

    func revert(on database: any Database) async throws {}
}
