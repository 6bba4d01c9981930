import Fluent
import QuartierCore
import Vapor

/// The survey's part of the privacy report and of an erasure: a person's contact records from activating surveys and
/// the action groups she joined. Interviews hold nothing about her, so there is nothing else to report or erase.
enum SurveyPrivacy {
    struct Entry: Content {
        let survey: String
        let wantsInvitation: Bool
        let offers: String
        let recordedOn: String
        let actionGroups: [String]
    }

    static func report(personID: UUID, on db: any Database) async throws -> [Entry] {
        let contacts = try await SurveyContact.query(on: db).filter(\.$person.$id == personID).with(\.$survey).all()
        guard !contacts.isEmpty else { return [] }
        let memberships = try await SurveyActionGroupMember.query(on: db).filter(\.$contact.$id ~~ contacts.compactMap(\.id)).with(\.$group).all()
        return contacts.map { contact in
            Entry(survey: contact.survey.title, wantsInvitation: contact.wantsInvitation, offers: contact.offers, recordedOn: CalendarDate.iso(contact.recordedOn),
                  actionGroups: memberships.filter { $0.$contact.id == contact.id }.map(\.group.name).sorted())
        }
    }

    /// Deletes the person's contact records and with them her action group memberships (explicitly, not only by the
    /// foreign key's cascade, so that it holds whatever the database enforces).
    static func erase(personID: UUID, on db: any Database) async throws {
        let contacts = try await SurveyContact.query(on: db).filter(\.$person.$id == personID).all().compactMap(\.id)
        guard !contacts.isEmpty else { return }
        try await SurveyActionGroupMember.query(on: db).filter(\.$contact.$id ~~ contacts).delete()
        try await SurveyContact.query(on: db).filter(\.$id ~~ contacts).delete()
    }
}
