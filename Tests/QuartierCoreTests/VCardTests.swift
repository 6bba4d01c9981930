import Foundation
import Testing
@testable import QuartierCore

@Suite("vCard export")
struct VCardTests {
    static let sample = VCard(
        uid: "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b",
        formattedName: "Ayşe Yılmaz-Schäfer",
        familyName: "Yılmaz-Schäfer",
        givenName: "Ayşe",
        organisations: ["Mieterbeirat Stadtwald; Haus 3"],
        titles: ["Sprecherin, Vorstand"],
        emails: ["ayse@example.org"],
        phones: ["+49 (0) 6421 12 34-5", "nur abends"],
        address: VCard.Address(street: "Am Richtsberg 12", postalCode: "35039", city: "Marburg"),
        languages: ["de", "Türkisch", "Arabic", "tr", "Klingonisch"],
        categories: ["Wohnen", "Kinder, Jugend"],
        note: "Trifft man im Stadtteilbüro.\nBitte Rückruf C:\\Termine",
        revision: Date(timeIntervalSince1970: 1_795_780_800) // 2026-11-27 12:00 UTC
    )

    /// The unfolded content lines, as a vCard reader sees them.
    static func unfolded(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    @Test("The card has the required lines in order, and every value in its vCard form")
    func requiredLines() {
        let lines = Self.unfolded(Self.sample.rendered())
        #expect(lines.first == "BEGIN:VCARD")
        #expect(lines[1] == "VERSION:4.0")
        #expect(lines.last == "END:VCARD")
        #expect(lines.contains("UID:urn:uuid:6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b"))
        #expect(lines.contains("FN:Ayşe Yılmaz-Schäfer"))
        #expect(lines.contains("N:Yılmaz-Schäfer;Ayşe;;;"))
        #expect(lines.contains("TEL;VALUE=uri:tel:+49642112345"))
        #expect(lines.contains("TEL;VALUE=text:nur abends"))
        #expect(lines.contains("ADR:;;Am Richtsberg 12;Marburg;;35039;"))
        #expect(lines.contains("LANG;PREF=1:de"))
        #expect(lines.contains("LANG;PREF=2:tr"))
        #expect(lines.contains("LANG;PREF=3:ar"))
        #expect(lines.filter { $0.hasPrefix("LANG") }.count == 3)
        #expect(lines.contains("REV:20261127T120000Z"))
        #expect(!lines.contains { $0.hasPrefix("KIND") })
    }

    @Test("Backslash, comma, semicolon and line breaks are escaped")
    func escaping() {
        let lines = Self.unfolded(Self.sample.rendered())
        #expect(lines.contains("ORG:Mieterbeirat Stadtwald\\; Haus 3"))
        #expect(lines.contains("TITLE:Sprecherin\\, Vorstand"))
        #expect(lines.contains("CATEGORIES:Wohnen,Kinder\\, Jugend"))
        #expect(lines.contains("NOTE:Trifft man im Stadtteilbüro.\\nBitte Rückruf C:\\\\Termine"))
    }

    @Test("Lines are folded at 75 octets with CRLF, never inside a UTF-8 sequence")
    func folding() {
        // "€" takes three octets: after "NOTE:" (5) and 23 of them (74) the next one no longer fits.
        let note = String(repeating: "€", count: 60)
        let bytes = Array(VCard(uid: "u", formattedName: "x", note: note).rendered().utf8)
        var physical: [[UInt8]] = [[]]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                physical.append([])
                index += 2
            } else {
                physical[physical.count - 1].append(bytes[index])
                index += 1
            }
        }
        #expect(!physical.contains { $0.contains(10) || $0.contains(13) })
        let noteLines = physical.drop { String(decoding: $0, as: UTF8.self).hasPrefix("NOTE:") == false }
            .prefix { $0.first == 32 || String(decoding: $0, as: UTF8.self).hasPrefix("NOTE:") }
        #expect(noteLines.count == 3)
        #expect(noteLines.first?.count == 74)
        for line in physical {
            #expect(line.count <= 75)
            #expect(String(bytes: line, encoding: .utf8) != nil)
        }
        #expect(Self.unfolded(String(decoding: bytes, as: UTF8.self)).contains("NOTE:" + note))
    }

    @Test("A selection is one file of cards, and an organisation says so")
    func selection() {
        let org = VCard(uid: "o", kind: .org, formattedName: "Kita Sonnenschein", organisations: ["Kita Sonnenschein"])
        let all = VCard.renderAll([Self.sample, org])
        #expect(all.components(separatedBy: "BEGIN:VCARD").count == 3)
        #expect(all.hasSuffix("END:VCARD\r\n"))
        #expect(all.contains("KIND:org\r\n"))
    }

    /// The golden file that `tests/interop/test_vcard_interop.py` parses with Python's vobject; set
    /// QUARTIER_UPDATE_FIXTURES=1 to write it anew after an intended change.
    @Test("The rendering matches the fixture that the interop check reads")
    func fixture() throws {
        let url = interopFixture("cards.vcf")
        let org = VCard(uid: "0b7d3c4e-1111-4222-8333-944455566677", kind: .org, formattedName: "Kita Sonnenschein",
                        organisations: ["Kita Sonnenschein"], emails: ["kita@example.org"], categories: ["Bildung"],
                        note: "Öffnungszeiten Mo–Fr 7:30–16:30 Uhr; Ansprechpartnerin für Sprachförderung, Elterncafé und das Stadtteilfest")
        let rendered = VCard.renderAll([Self.sample, org])
        if ProcessInfo.processInfo.environment["QUARTIER_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: url)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == rendered)
    }
}

/// Files under `tests/interop/fixtures`, shared with the Python interop checks.
func interopFixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/interop/fixtures/\(name)")
}
