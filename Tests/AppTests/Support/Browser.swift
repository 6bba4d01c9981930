import Foundation
import NIOHTTP1
import Testing
import VaporTesting
@testable import App

/// A test client that keeps cookies like a browser and fills forms with the CSRF token the page carries.
struct Browser {
    let app: Application
    var cookies: [String: String] = [:]

    init(_ app: Application) {
        self.app = app
    }

    mutating func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers, body: nil)
    }

    @discardableResult
    /// Posts a form. With `csrf`, the token comes from the page at `tokenFrom` (or `path`), as a browser gets it.
    mutating func post(_ path: String, _ form: [String: String], csrf: Bool = true, tokenFrom: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        if csrf {
            fields[CSRF.fieldName] = try await token(from: tokenFrom ?? path)
        }
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: Self.encode(fields))
    }

    /// Uploads a file like a browser form with `enctype="multipart/form-data"`.
    mutating func upload(_ path: String, field: String, filename: String, data: Data, tokenFrom: String) async throws -> TestingHTTPResponse {
        let boundary = "QuartierTestBoundary\(UUID().uuidString.prefix(8))"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(CSRF.fieldName)\"\r\n\r\n\(try await token(from: tokenFrom))\r\n")
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n")
        body.append(data)
        append("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: headers, body: String(decoding: body, as: UTF8.self), raw: body)
    }

    /// Reads the CSRF token from the first form on a page.
    mutating func token(from path: String) async throws -> String {
        let page = try await get(path)
        guard let token = Self.hiddenValue(named: CSRF.fieldName, in: page.body.string) else {
            Issue.record("no CSRF token on \(path) (status \(page.status))")
            return ""
        }
        return token
    }

    @discardableResult
    mutating func login(_ email: String, password: String = "correct horse battery") async throws -> TestingHTTPResponse {
        try await post(SiteURL.login.path, ["email": email, "password": password])
    }

    mutating func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: String?, raw: Data? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        if let raw {
            buffer.writeBytes(raw)
        } else if let body {
            buffer.writeString(body)
        }
        let response = try await app.testing().performTest(request: TestingHTTPRequest(
            method: method, url: URI(string: path), headers: headers, body: buffer
        ))
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), value = String(pair[1])
            if header.lowercased().contains("max-age=0") || value.isEmpty {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        return response
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            key.addingPercentEncoding(withAllowedCharacters: allowed)! + "=" + value.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
    }

    static func hiddenValue(named name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The `value` of the input with the given id.
    static func inputValue(id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let tag = html[start.upperBound...].prefix { $0 != ">" }
        guard let value = tag.range(of: "value=\"") else { return nil }
        return tag[value.upperBound...].firstIndex(of: "\"").map { String(tag[value.upperBound..<$0]) }
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
}
