import Foundation

/// A contact as vCard 4.0 (RFC 6350), for export of one person or a selection to address books.
public struct VCard: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case individual
        case org
    }

    public struct Address: Equatable, Sendable {
        public var street: String
        public var postalCode: String
        public var city: String

        public init(street: String, postalCode: String, city: String) {
            self.street = street
            self.postalCode = postalCode
            self.city = city
        }
    }

    /// Rendered as `UID:urn:uuid:<uid>`, so the same person updates rather than duplicates an address-book entry.
    public var uid: String
    public var kind: Kind
    public var formattedName: String
    public var familyName: String
    public var givenName: String
    public var organisations: [String]
    public var titles: [String]
    public var emails: [String]
    public var phones: [String]
    public var address: Address?
    /// Languages in order of preference, as tags (`de`, `tr`) or as people type them ("Türkisch", "Arabic").
    /// Names of the languages common in German districts become tags; anything else is left out,
    /// because LANG must hold a tag.
    public var languages: [String]
    public var categories: [String]
    public var note: String?
    public var revision: Date?

    public init(
        uid: String,
        kind: Kind = .individual,
        formattedName: String,
        familyName: String = "",
        givenName: String = "",
        organisations: [String] = [],
        titles: [String] = [],
        emails: [String] = [],
        phones: [String] = [],
        address: Address? = nil,
        languages: [String] = [],
        categories: [String] = [],
        note: String? = nil,
        revision: Date? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.formattedName = formattedName
        self.familyName = familyName
        self.givenName = givenName
        self.organisations = organisations
        self.titles = titles
        self.emails = emails
        self.phones = phones
        self.address = address
        self.languages = languages
        self.categories = categories
        self.note = note
        self.revision = revision
    }

    /// The card with CRLF line ends, every content line folded at 75 octets.
    public func rendered() -> String {
        var lines = ["BEGIN:VCARD", "VERSION:4.0"]
        if kind != .individual { lines.append("KIND:\(kind.rawValue)") }
        lines.append("UID:urn:uuid:\(ContentLine.singleLine(uid))")
        lines.append("FN:\(ContentLine.escaped(formattedName))")
        lines.append("N:\(ContentLine.escaped(familyName));\(ContentLine.escaped(givenName));;;")
        lines += organisations.map { "ORG:\(ContentLine.escaped($0))" }
        lines += titles.map { "TITLE:\(ContentLine.escaped($0))" }
        lines += emails.map { "EMAIL:\(ContentLine.escaped($0))" }
        lines += phones.map(Self.telephoneLine)
        if let address {
            // ADR components: PO box; extended address; street; locality; region; postal code; country.
            let parts = ["", "", address.street, address.city, "", address.postalCode, ""]
            lines.append("ADR:" + parts.map(ContentLine.escaped).joined(separator: ";"))
        }
        var tags: [String] = []
        for language in languages {
            if let tag = Self.languageTag(language), !tags.contains(tag) { tags.append(tag) }
        }
        for (index, tag) in tags.enumerated() {
            lines.append("LANG;PREF=\(index + 1):\(tag)")
        }
        if !categories.isEmpty {
            lines.append("CATEGORIES:" + categories.map(ContentLine.escaped).joined(separator: ","))
        }
        if let note, !note.isEmpty { lines.append("NOTE:\(ContentLine.escaped(note))") }
        if let revision { lines.append("REV:\(ContentLine.utcTimestamp(revision))") }
        lines.append("END:VCARD")
        return ContentLine.joined(lines)
    }

    public static func renderAll(_ cards: [VCard]) -> String {
        cards.map { $0.rendered() }.joined()
    }

    /// A number as typed becomes a `tel:` URI so phones can dial it; text with letters ("ab 14 Uhr") stays text.
    static func telephoneLine(_ phone: String) -> String {
        if phone.contains(where: \.isLetter) || !phone.contains(where: \.isNumber) {
            return "TEL;VALUE=text:\(ContentLine.escaped(phone))"
        }
        var number = phone
        // "+49 (0) 6421" is a German habit: the trunk zero must not be dialled after the country code.
        if number.hasPrefix("+") { number = number.replacingOccurrences(of: "(0)", with: "") }
        let digits = number.filter { $0.isASCII && ($0.isNumber || $0 == "+") }
        return "TEL;VALUE=uri:tel:\(digits)"
    }

    /// A BCP 47 tag as given ("de", "de-CH", "ckb"), or the tag for a language name in German or English.
    static func languageTag(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if let primary = parts.first, (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }),
           parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) {
            return trimmed
        }
        return languageNames[ActorImport.germanFolded(trimmed)]
    }

    /// The languages most spoken in German districts, by their German and English names (folded as in import).
    static let languageNames: [String: String] = {
        let table: [(String, [String])] = [
            ("de", ["deutsch", "german"]), ("en", ["englisch", "english"]), ("tr", ["tuerkisch", "turkish"]),
            ("ar", ["arabisch", "arabic"]), ("ru", ["russisch", "russian"]), ("pl", ["polnisch", "polish"]),
            ("uk", ["ukrainisch", "ukrainian"]), ("ku", ["kurdisch", "kurdish"]), ("fa", ["persisch", "farsi", "persian"]),
            ("prs", ["dari"]), ("ps", ["paschtu", "paschto", "pashto"]), ("fr", ["franzoesisch", "french"]),
            ("es", ["spanisch", "spanish"]), ("it", ["italienisch", "italian"]), ("pt", ["portugiesisch", "portuguese"]),
            ("ro", ["rumaenisch", "romanian"]), ("bg", ["bulgarisch", "bulgarian"]), ("sr", ["serbisch", "serbian"]),
            ("hr", ["kroatisch", "croatian"]), ("bs", ["bosnisch", "bosnian"]), ("sq", ["albanisch", "albanian"]),
            ("el", ["griechisch", "greek"]), ("ti", ["tigrinya"]), ("so", ["somali"]), ("am", ["amharisch", "amharic"]),
            ("vi", ["vietnamesisch", "vietnamese"]), ("zh", ["chinesisch", "chinese"]), ("rom", ["romanes", "romani"]),
            ("nl", ["niederlaendisch", "dutch"]), ("hu", ["ungarisch", "hungarian"]), ("ur", ["urdu"]), ("hi", ["hindi"]),
            ("gsg", ["deutsche gebaerdensprache", "german sign language"]),
        ]
        return Dictionary(uniqueKeysWithValues: table.flatMap { tag, names in names.map { ($0, tag) } })
    }()
}
