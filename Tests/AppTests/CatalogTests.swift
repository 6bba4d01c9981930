import Foundation
import Testing
@testable import App
@testable import QuartierCore

@Suite("Localization catalogs")
struct CatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func catalog() throws -> Catalog {
        try Catalog.load(from: root.appendingPathComponent("Resources/Localization"))
    }

    @Test("Every German text has an English translation")
    func englishIsComplete() throws {
        #expect(try Self.catalog().missingKeys(in: .en).sorted() == [])
    }

    @Test("Every key a template uses exists in the catalog")
    func templateKeysExist() throws {
        let catalog = try Self.catalog()
        let views = Self.root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        #expect(files.count > 10)
        let pattern = try NSRegularExpression(pattern: "#t\\(\"([a-z0-9_.-]+)\"")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                #expect(catalog.tables[.de]?[key] != nil, "\(file.lastPathComponent): \(key)")
            }
        }
    }

    @Test("No template puts a colon right after a text tag: Leaf would read it as the start of a block")
    func noColonAfterTextTag() throws {
        let views = Self.root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        let pattern = try NSRegularExpression(pattern: "#t\\([^)]*\\):")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "\(file.lastPathComponent)")
        }
    }

    @Test("Every kind of record the audit log names has its label in both languages")
    func auditTypesHaveLabels() throws {
        let catalog = try Self.catalog()
        let sources = Self.root.appendingPathComponent("Sources/App")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        let pattern = try NSRegularExpression(pattern: #"static let auditType = "([a-z0-9_-]+)""#)
        var types: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            types += pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
        }
        #expect(types.count > 40)
        for type in types {
            #expect(catalog.tables[.de]?["audit.type.\(type)"] != nil, "audit.type.\(type)")
            #expect(catalog.tables[.en]?["audit.type.\(type)"] != nil, "audit.type.\(type) (en)")
        }
    }

    @Test("Every menu entry and role has its label")
    func dynamicKeys() throws {
        let catalog = try Self.catalog()
        var keys = BackofficeNavigation.all.map(\.labelKey)
        keys += Role.allCases.map { "role.\($0.rawValue)" }
        keys += SiteText.Key.allCases.map { "text.\($0.rawValue).title" }
        keys += Language.allCases.map { "language.\($0.rawValue)" }
        keys += ["user", "portal_settings", "site_text", "feedback", "organisation", "person", "person_function", "consent", "contact", "topic",
                 "field_of_action", "committee", "committee_membership", "meeting", "agenda_item", "committee_task"].map { "audit.type.\($0)" }
        keys += ["create", "update", "delete"].map { "audit.action.\($0)" }
        keys += ["queued", "sent", "failed"].map { "mail.state.\($0)" }
        keys += [400, 401, 403, 404, 405, 413, 429, 500].flatMap { ["error.\($0).title", "error.\($0).text"] }
        for key in keys {
            #expect(catalog.tables[.de]?[key] != nil, "\(key)")
        }
    }
}
