import Foundation

/// The documents a committee attaches to its agenda: PDF and office files. The type is read from the file's
/// first bytes and must agree with its name, so that a renamed program or image is refused.
public enum DocumentType: String, CaseIterable, Sendable {
    case pdf
    case docx, xlsx, pptx
    case odt, ods, odp
    case doc, xls, ppt

    /// The largest file a committee may attach: minutes and presentations, not video.
    public static let maximumSize = 10 * 1024 * 1024

    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: "application/vnd.oasis.opendocument.presentation"
        case .doc: "application/msword"
        case .xls: "application/vnd.ms-excel"
        case .ppt: "application/vnd.ms-powerpoint"
        }
    }

    /// The names the upload form announces in its `accept` attribute.
    public static var acceptedExtensions: String { allCases.map { "." + $0.rawValue }.joined(separator: ",") }

    /// The type of a file named `filename` with the content `bytes`, or nil when it is not an accepted document
    /// or its content does not match its name.
    public static func detect(filename: String, bytes: [UInt8]) -> DocumentType? {
        let ext = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard filename.contains("."), let claimed = DocumentType(rawValue: ext) else { return nil }
        switch claimed {
        case .pdf:
            return bytes.starts(with: Array("%PDF-".utf8)) ? .pdf : nil
        case .doc, .xls, .ppt:
            return bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) ? claimed : nil
        case .docx, .xlsx, .pptx:
            let folder = ["docx": "word/", "xlsx": "xl/", "pptx": "ppt/"][claimed.rawValue]!
            return isZip(bytes) && contains(bytes, "[Content_Types].xml") && contains(bytes, folder) ? claimed : nil
        case .odt, .ods, .odp:
            // An OpenDocument package starts with an uncompressed entry "mimetype" holding the type.
            let header = Array(bytes.prefix(30 + 8 + claimed.mimeType.utf8.count))
            guard isZip(bytes), header.count >= 38, Array(header[30..<38]) == Array("mimetype".utf8) else { return nil }
            return Array(header[38...]) == Array(claimed.mimeType.utf8) ? claimed : nil
        }
    }

    private static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    private static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= bytes.count, let first = needle.first else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first, Array(bytes[index..<(index + needle.count)]) == needle { return true }
            index += 1
        }
        return false
    }

    /// A file name safe for a `Content-Disposition` header and for the download: no path, no control characters.
    public static func safeFilename(_ name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "dokument" : String(cleaned.prefix(200))
    }
}
