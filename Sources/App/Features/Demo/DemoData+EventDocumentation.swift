import Fluent
import QuartierCore
import Vapor

/// The documentation of the demo tenant assembly: results, the structured protocol (issues raised, the
/// GeWoBau's commitments, follow-ups with the tenants' council and Aylin Beispiel) and one drawn picture.
extension DemoData {
    static let documentationPhotoAlt = "Gezeichnetes Beispielbild: ein gelbes Wohnhaus mit rotem Dach unter blauem Himmel auf grüner Wiese."

    static func loadEventDocumentation(on db: any Database) async throws {
        guard let assembly = try await Event.query(on: db).filter(\.$title == tenantAssemblyTitle).first() else { return }
        let id = try assembly.requireID()
        assembly.results = """
        Die GeWoBau beginnt die Modernisierung im Herbst mit den Häusern 40 und 42. Vorher gibt es eine Sprechstunde zu Mieterhöhung und Härtefällen.

        Der Mieterbeirat sammelt Mängel in den Kellerräumen und gibt die Liste an die GeWoBau weiter.
        """
        try await assembly.save(on: db)

        let today = CalendarDate.today()
        let gewobau = try await Organisation.query(on: db).filter(\.$name == "GeWoBau Beispiel eG").first()
        let council = try await Organisation.query(on: db).filter(\.$name == "Mieterbeirat Stadtwald (Beispiel)").first()
        let aylin = try await Person.query(on: db).filter(\.$email == "aylin.beispiel@mieterbeirat.example").first()
        var position = 0
        func entry(_ kind: ProtocolEntryKind, _ text: String, party: String = "", person: Person? = nil, organisation: Organisation? = nil,
                   dueInDays: Int? = nil, done: Bool = false) -> EventProtocolEntry {
            position += 1
            let entry = EventProtocolEntry(eventID: id, kind: kind, text: text, party: party, personID: person?.id, organisationID: organisation?.id,
                                           dueOn: dueInDays.map { CalendarDate.daysAfter($0, today) }, position: position)
            if done { entry.doneAt = Date() }
            return entry
        }
        let entries = [
            entry(.issue, "Der Aufzug in Haus 44 ist oft tagelang defekt; ältere Mieterinnen kommen dann nicht aus der Wohnung."),
            entry(.issue, "Schimmel in mehreren Kellerräumen von Haus 46."),
            entry(.issue, "Die Nebenkostenabrechnung ist unverständlich, besonders die Posten für Hauswart und Grünpflege."),
            entry(.commitment, "Störungen am Aufzug werden innerhalb von 48 Stunden behoben; ein Wartungsvertrag mit kürzerer Reaktionszeit wird abgeschlossen.",
                  party: "GeWoBau Beispiel eG", organisation: gewobau, dueInDays: -5, done: true),
            entry(.commitment, "Ein Gutachter prüft die Kellerräume in Haus 46; das Ergebnis wird den Mietern vorgestellt.",
                  party: "GeWoBau Beispiel eG", organisation: gewobau, dueInDays: 21),
            entry(.commitment, "Ein Erklärblatt zur Nebenkostenabrechnung in einfacher Sprache, auch auf Türkisch und Arabisch.",
                  party: "GeWoBau Beispiel eG", organisation: gewobau, dueInDays: 45),
            entry(.followUp, "Mängelliste der Kellerräume sammeln und an die GeWoBau geben.",
                  party: "Mieterbeirat Stadtwald (Beispiel)", organisation: council, dueInDays: 10),
            entry(.followUp, "Sprechstunde zur Nebenkostenabrechnung mit der Mietrechtsberatung organisieren.",
                  party: aylin == nil ? "Aylin Beispiel" : "", person: aylin, dueInDays: 14),
        ]
        try await entries.create(on: db)

        let bytes = samplePhoto()
        let photo = EventPhoto(eventID: id, filename: "mieterversammlung-beispielbild.png", type: .png, bytes: bytes, altText: documentationPhotoAlt,
                               caption: "Platzhalter für ein Foto der Versammlung (Beispiel)")
        try await photo.create(on: db)
        try await FileContent(id: try photo.requireID(), data: Data(bytes)).create(on: db)
    }

    /// A small drawn picture (a house under the sky on a meadow), generated so that the demo needs no image file.
    static func samplePhoto(width: Int = 96, height: Int = 64) -> [UInt8] {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        let sky: [UInt8] = [0x8E, 0xC8, 0xF0], meadow: [UInt8] = [0x4C, 0x9A, 0x3C], wall: [UInt8] = [0xF2, 0xD2, 0x6B]
        let roof: [UInt8] = [0xB3, 0x3A, 0x2A], window: [UInt8] = [0x2F, 0x4F, 0x6F], sun: [UInt8] = [0xFF, 0xE0, 0x40]
        let houseLeft = width * 3 / 10, houseRight = width * 7 / 10, wallTop = height * 4 / 10, ground = height * 3 / 4
        for y in 0..<height {
            for x in 0..<width {
                var colour = y >= ground ? meadow : sky
                let dx = x - width * 17 / 20, dy = y - height / 6
                if dx * dx + dy * dy <= (height / 10) * (height / 10) { colour = sun }
                let middle = (houseLeft + houseRight) / 2, roofTop = height / 6
                if y >= roofTop, y < wallTop, abs(x - middle) <= (y - roofTop) * (houseRight - houseLeft) / 2 / max(1, wallTop - roofTop) { colour = roof }
                if y >= wallTop, y < ground, x >= houseLeft, x < houseRight {
                    colour = wall
                    let row = (y - wallTop) % 8, column = (x - houseLeft) % 10
                    if row >= 2, row < 6, column >= 3, column < 7 { colour = window }
                }
                pixels += colour
            }
        }
        return PNGWriter.rgb(width: width, height: height, pixels: pixels)
    }
}
