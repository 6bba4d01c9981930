import Fluent
import Foundation
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Stored photos lose their metadata")
struct PhotoMetadataTests {
    @Test("Photos stored before uploads were cleaned lose their metadata; other files and broken photos stay as they are")
    func migrationCleansStoredPhotos() async throws {
        try await withQuartier { app in
            func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] { [0xFF, marker, 0x00, UInt8(body.count + 2)] + body }
            let picture = segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64)) + segment(0xDA, [0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]) + [0x12, 0xFF, 0xD9]
            let photo: [UInt8] = [0xFF, 0xD8] + segment(0xE1, Array("Exif\u{0}\u{0}GPS 51.45N Hauptstrasse".utf8)) + segment(0xFE, Array("Rosa".utf8)) + picture
            let pdf = Array("%PDF-1.4\nGPS in a document stays\n".utf8)
            let broken: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00] + Array("Exif GPS".utf8)
            let ids = (0..<25).map { _ in UUID() }
            // More files than one batch, so that the migration has to go on after the first.
            for (index, id) in ids.enumerated() {
                let bytes = index == 0 ? pdf : index == 1 ? broken : photo
                try await FileContent(id: id, data: Data(bytes)).create(on: app.db)
            }
            try await UpdateFilesStripPhotoMetadata().prepare(on: app.db)
            let files = try await FileContent.query(on: app.db).all()
            let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id!, Array($0.data)) })
            #expect(byID[ids[0]] == pdf)
            #expect(byID[ids[1]] == broken)
            for id in ids.dropFirst(2) { #expect(byID[id] == [0xFF, 0xD8] + picture) }
        }
    }
}
