import Fluent
import QuartierCore
import Vapor

/// CSV that German Excel opens, and vCards, for the current selection of the directory lists.
struct ExportController: RouteCollection {
    /// An export is a selection for a mail merge or a phone list, not a backup: it stops here.
    static let maximumRows = 20_000

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.personsExportCSV, use: personsCSV)
        staff.get(.personsExportVCard, use: personsVCard)
        staff.get(.organisationsExportCSV, use: organisationsCSV)
    }

    private func selection(_ req: Request) async throws -> [Person] {
        let filter = try req.query.decode(DirectoryFilter.self)
        let purpose = try req.query.decode(PersonController.PersonFilter.self).einwilligung.flatMap(ConsentPurpose.init(rawValue:))
        return try await PersonController.filtered(filter, purpose: purpose, on: req.db)
            .sort(\.$familyName).sort(\.$givenName).limit(Self.maximumRows).all()
    }

    @Sendable
    func personsCSV(req: Request) async throws -> Response {
        let persons = try await selection(req)
        let ids = try persons.map { try $0.requireID() }
        let (functionsByPerson, topicsByPerson) = try await PersonController.currentFunctionsAndTopics(of: ids, on: req.db)
        let header = ["Nachname", "Vorname", "Organisation", "Funktion", "E-Mail", "Telefon", "Straße", "PLZ", "Ort", "Sprachen", "Themen", "Letzter Kontakt"]
        let rows = try persons.map { person -> [String] in
            let id = try person.requireID()
            let current = functionsByPerson[id] ?? []
            return [
                person.familyName, person.givenName, current.map(\.organisation.name).joined(separator: ", "), current.map(\.title).joined(separator: ", "),
                person.email, person.phone, person.street, person.postalCode, person.city, person.languageList.joined(separator: ", "),
                (topicsByPerson[id] ?? []).joined(separator: ", "),
                person.lastContactAt.map { CalendarDate.display($0, .de) } ?? "",
            ]
        }
        return Self.csvResponse(GermanCSV.write(header: header, rows: rows), filename: "personen.csv")
    }

    @Sendable
    func personsVCard(req: Request) async throws -> Response {
        let cards = try await PersonController.vcards(try await selection(req), on: req.db)
        return PersonController.vcardResponse(VCard.renderAll(cards), filename: "personen.vcf")
    }

    @Sendable
    func organisationsCSV(req: Request) async throws -> Response {
        let filter = try req.query.decode(DirectoryFilter.self)
        let organisations = try await OrganisationController.filtered(filter, on: req.db).with(\.$topics).sort(\.$name).limit(Self.maximumRows).all()
        let header = ["Name", "Art", "Straße", "PLZ", "Ort", "Telefon", "E-Mail", "Website", "Themen", "Öffentlich", "Letzter Kontakt"]
        let catalog = req.application.catalog
        let rows = organisations.map { organisation in
            [
                organisation.name, catalog.text("organisation.kind.\(organisation.kind.rawValue)", .de), organisation.street, organisation.postalCode,
                organisation.city, organisation.phone, organisation.email, organisation.website,
                organisation.topics.map(\.name).sorted().joined(separator: ", "), organisation.isPublic ? "ja" : "nein",
                organisation.lastContactAt.map { CalendarDate.display($0, .de) } ?? "",
            ]
        }
        return Self.csvResponse(GermanCSV.write(header: header, rows: rows), filename: "organisationen.csv")
    }

    static func csvResponse(_ data: Data, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
