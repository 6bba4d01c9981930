import Fluent
import Foundation
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("OParl 1.1: only public data, filters and deleted objects as the standard says")
struct OParlTests {
    static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func names(_ list: [String: Any]) -> [String] {
        (list["data"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test("Internal committees, non-public agenda items and people without consent to publish their name stay out")
    func visibility() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var client = Browser(app)

            let system = try await client.get("/oparl/v1/system")
            let organizations = try Self.json(try await client.get("/oparl/v1/body/stadtteil/organizations"))
            let people = try Self.json(try await client.get("/oparl/v1/body/stadtteil/people"))
            let items = try Self.json(try await client.get("/oparl/v1/body/stadtteil/agendaitems"))

            #expect(system.status == .ok)
            #expect(system.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(try Self.json(system)["oparlVersion"] as? String == "https://schema.oparl.org/1.1/")
            #expect(Self.names(organizations) == ["AK Stadtwald (Beispiel)"])
            #expect(Self.names(people) == ["Aylin Beispiel"], "only AK members who consented to publishing their name")
            #expect(!Self.names(items).contains("Personalangelegenheiten Jugendtreff"))
            #expect(Self.names(items).contains("Stadtteilfest: Planung und Aufgaben"))
            #expect(!Self.names(items).contains("Haushalt und Fördermittel"), "items of the internal steering group")
        }
    }

    @Test("Deleted objects appear only with modified_since, and filters stay in the links")
    func filtersAndDeleted() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var client = Browser(app)

            let plain = try Self.json(try await client.get("/oparl/v1/body/stadtteil/organizations"))
            let synced = try Self.json(try await client.get("/oparl/v1/body/stadtteil/organizations?modified_since=2000-01-01T00:00:00%2B00:00"))
            let future = try Self.json(try await client.get("/oparl/v1/body/stadtteil/meetings?created_since=2999-01-01T00:00:00%2B00:00"))
            let invalid = try await client.get("/oparl/v1/body/stadtteil/meetings?created_since=gestern")
            let unknown = try await client.get("/oparl/v1/meeting/00000000-0000-4000-8000-000000000000")

            let deleted = (synced["data"] as? [[String: Any]] ?? []).filter { $0["deleted"] as? Bool == true }
            #expect((plain["data"] as? [[String: Any]] ?? []).allSatisfy { $0["deleted"] == nil })
            #expect(deleted.count == 1)
            #expect((synced["links"] as? [String: String])?["first"]?.contains("modified_since=2000-01-01T00:00:00%2B00:00") == true)
            #expect((future["data"] as? [Any])?.isEmpty == true)
            #expect((future["pagination"] as? [String: Int])?["totalElements"] == 0)
            #expect(invalid.status == .badRequest)
            #expect(unknown.status == .notFound)
            #expect(unknown.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(try Self.json(unknown)["type"] as? String == "https://schema.oparl.org/1.1/Error")
        }
    }

    @Test("Every object's id can be fetched and gives the same object")
    func dereference() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var client = Browser(app)
            let meetings = try Self.json(try await client.get("/oparl/v1/body/stadtteil/meetings"))
            let first = try #require((meetings["data"] as? [[String: Any]])?.first)
            let id = try #require(first["id"] as? String)
            let path = try #require(URL(string: id)?.path)

            let fetched = try Self.json(try await client.get(path))

            let canonical = { (object: [String: Any]) in
                String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            }
            #expect(try canonical(fetched) == canonical(first))
        }
    }
}
