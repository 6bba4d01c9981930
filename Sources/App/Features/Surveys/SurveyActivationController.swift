import Fluent
import QuartierCore
import Vapor

/// What the survey sets moving: the consent-based contact records of those who want to be invited or offer to help,
/// the invitation list, and action groups formed around themes that may continue as a committee or a project.
enum SurveyActivation {
    /// The survey's contact records whose person still consents to be contacted, with the person loaded.
    static func consentedContacts(_ surveyID: UUID, on db: any Database) async throws -> [SurveyContact] {
        let contacts = try await SurveyContact.query(on: db).filter(\.$survey.$id == surveyID).with(\.$person).all()
        let consenting = try await consenting(contacts.map(\.$person.id), on: db)
        return contacts.filter { consenting.contains($0.$person.id) }.sorted { $0.person.displayName < $1.person.displayName }
    }

    static func consenting(_ personIDs: [UUID], on db: any Database) async throws -> Set<UUID> {
        var result = Set<UUID>()
        for chunk in personIDs.chunked(into: 500) {
            let consents = try await Consent.query(on: db).filter(\.$person.$id ~~ chunk).filter(\.$purpose == .contact).filter(\.$withdrawnAt == nil).all()
            result.formUnion(consents.map(\.$person.id))
        }
        return result
    }
}

struct SurveyActivationController: RouteCollection {
    struct ContactRow: Encodable {
        let name: String
        let personURL: String
        let email: String
        let phone: String
        let invitation: Bool
        let offers: String
        let consent: Bool
        let recordedOn: String
    }

    struct ContactsContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let invitationsURL: String
        let rows: [ContactRow]
        let pagination: PaginationContext
        let actionURL: String
        let sources: [SelectOption]
        let draft: [String: String]
        let errors: [String]
    }

    struct GroupRow: Encodable {
        let name: String
        let theme: String
        let url: String
    }

    struct GroupsContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let resultsURL: String
        let rows: [GroupRow]
        let themes: [SelectOption]
        let actionURL: String
        let draft: [String: String]
        let errors: [String]
    }

    struct Candidate: Encodable {
        let id: String
        let fieldID: String
        let name: String
        let offers: String
    }

    struct GroupContent: Encodable {
        let name: String
        let goal: String
        let theme: String
        let surveyTitle: String
        let groupsURL: String
        let members: [String]
        let candidates: [Candidate]
        let actionURL: String
        let continueURL: String
        let committeeURL: String?
        let projectURL: String?
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyContacts(id: ":id"), use: contacts)
        staff.post(.surveyContacts(id: ":id"), use: addContact)
        staff.get(.surveyInvitationsCSV(id: ":id"), use: invitations)
        staff.get(.surveyActionGroups(id: ":id"), use: groups)
        staff.post(.surveyActionGroups(id: ":id"), use: createGroup)
        staff.get(.actionGroup(id: ":id"), use: group)
        staff.post(.actionGroup(id: ":id"), use: addMembers)
        staff.post(.actionGroupContinue(id: ":id"), use: continueGroup)
    }

    @Sendable
    func contacts(req: Request) async throws -> Response {
        try await contactsPage(req, survey: try await SurveyController.find(req), draft: [:], errors: [], status: .ok)
    }

    /// A contact record made in the office: somebody who calls after the interview to be invited, or who signs up on
    /// paper at the resident assembly. Like at the door, it goes into the directory with consent, apart from any answers.
    @Sendable
    func addContact(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let contact = SurveyDesk.ContactDetails(fields)
        var problems = contact.isGiven ? contact.problems : ["survey.error.contact_incomplete"]
        let source = fields["source"].flatMap(ConsentSource.init(rawValue:))
        if source == nil { problems.append("survey.error.choice") }
        guard problems.isEmpty, let source else {
            return try await contactsPage(req, survey: survey, draft: fields, errors: problems.map { req.t($0) }, status: .badRequest)
        }
        let stored = try await req.db.transaction { db in
            try await SurveyDesk.storeContact(contact, surveyID: id, source: source, day: CalendarDate.today(), on: db)
        }
        try await req.audit(.create, stored, before: nil)
        req.flash("survey.contacts.added", contact.name)
        return req.redirect(to: SiteURL.surveyContacts(id: id.uuidString).path)
    }

    private func contactsPage(_ req: Request, survey: Survey, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        let base = { SurveyContact.query(on: req.db).filter(\.$survey.$id == id) }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: SurveyLimits.perPage, total: try await base().count())
        let rows = try await base().join(Person.self, on: \SurveyContact.$person.$id == \Person.$id).sort(Person.self, \.$familyName).sort(Person.self, \.$givenName)
            .range(window.offset..<(window.offset + window.perPage)).with(\.$person).all()
        let consenting = try await SurveyActivation.consenting(rows.map(\.$person.id), on: req.db)
        let content = ContactsContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: id.uuidString).path, invitationsURL: SiteURL.surveyInvitationsCSV(id: id.uuidString).path,
            rows: rows.map { row in
                ContactRow(name: row.person.displayName, personURL: SiteURL.person(id: row.$person.id.uuidString).path, email: row.person.email,
                           phone: row.person.phone, invitation: row.wantsInvitation, offers: row.offers, consent: consenting.contains(row.$person.id),
                           recordedOn: CalendarDate.display(row.recordedOn, req.language))
            },
            pagination: PaginationContext(window, baseURL: SiteURL.surveyContacts(id: id.uuidString).path, req: req),
            actionURL: SiteURL.surveyContacts(id: id.uuidString).path,
            sources: [ConsentSource.verbal, .paper].map { SelectOption(value: $0.rawValue, label: req.t("survey.contacts.source.\($0.rawValue)"),
                                                                        selected: (draft["source"] ?? "verbal") == $0.rawValue) },
            draft: draft, errors: errors)
        return try await req.renderPage("surveys/contacts", title: req.t("survey.contacts.heading", survey.title), content, status: status, withForms: true)
    }

    @Sendable
    func invitations(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        return ExportController.csvResponse(try await SurveyExport.invitations(survey, req: req), filename: "einladungsliste.csv")
    }

    @Sendable
    func groups(req: Request) async throws -> Response {
        try await groupsPage(req, survey: try await SurveyController.find(req), draft: [:], errors: [], status: .ok)
    }

    private func groupsPage(_ req: Request, survey: Survey, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        let groups = try await SurveyActionGroup.query(on: req.db).filter(\.$survey.$id == id).with(\.$theme).sort(\.$name).limit(200).all()
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).sort(\.$position).sort(\.$name).all()
        let content = GroupsContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: id.uuidString).path, resultsURL: SiteURL.surveyResults(id: id.uuidString).path,
            rows: groups.map { GroupRow(name: $0.name, theme: $0.theme?.name ?? "–", url: SiteURL.actionGroup(id: $0.id!.uuidString).path) },
            themes: [SelectOption(value: "", label: req.t("survey.groups.no_theme"), selected: (draft["theme"] ?? "").isEmpty)]
                + themes.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: draft["theme"] == $0.id!.uuidString) },
            actionURL: SiteURL.surveyActionGroups(id: id.uuidString).path, draft: draft, errors: errors)
        return try await req.renderPage("surveys/groups", title: req.t("survey.groups.heading", survey.title), content, status: status, withForms: true)
    }

    @Sendable
    func createGroup(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let goal = (fields["goal"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if name.isEmpty || name.count > SurveyLimits.titleLength { errors.append(req.t("survey.error.group_name")) }
        if goal.count > SurveyLimits.answerLength { errors.append(req.t("survey.error.answer_length")) }
        var themeID: UUID?
        if let raw = fields["theme"], !raw.isEmpty {
            themeID = UUID(uuidString: raw)
            var known = false
            if let themeID { known = try await SurveyTheme.query(on: req.db).filter(\.$id == themeID).filter(\.$survey.$id == id).first() != nil }
            if !known { errors.append(req.t("survey.error.choice")) }
        }
        guard errors.isEmpty else { return try await groupsPage(req, survey: survey, draft: fields, errors: errors, status: .badRequest) }
        let group = SurveyActionGroup(surveyID: id, themeID: themeID, name: name, goal: goal)
        try await group.create(on: req.db)
        try await req.audit(.create, group, before: nil)
        req.flash("survey.groups.created", name)
        return req.redirect(to: SiteURL.actionGroup(id: group.id!.uuidString).path)
    }

    private static func findGroup(_ req: Request) async throws -> (SurveyActionGroup, Survey) {
        guard let id = req.parameters.get("id", as: UUID.self), let group = try await SurveyActionGroup.query(on: req.db).filter(\.$id == id).with(\.$theme).first(),
              let survey = try await Survey.find(group.$survey.id, on: req.db) else { throw Abort(.notFound) }
        return (group, survey)
    }

    @Sendable
    func group(req: Request) async throws -> Response {
        let (group, survey) = try await Self.findGroup(req)
        return try await groupPage(req, group: group, survey: survey, errors: [], status: .ok)
    }

    private func groupPage(_ req: Request, group: SurveyActionGroup, survey: Survey, errors: [String], status: HTTPStatus) async throws -> Response {
        let groupID = try group.requireID()
        let members = try await SurveyActionGroupMember.query(on: req.db).filter(\.$group.$id == groupID).with(\.$contact) { $0.with(\.$person) }.all()
        let memberContacts = Set(members.map(\.$contact.id))
        let candidates = try await SurveyActivation.consentedContacts(try survey.requireID(), on: req.db).filter { !memberContacts.contains($0.id!) }.prefix(200)
        let content = GroupContent(
            name: group.name, goal: group.goal, theme: group.theme?.name ?? "–", surveyTitle: survey.title,
            groupsURL: SiteURL.surveyActionGroups(id: survey.id!.uuidString).path,
            members: members.map(\.contact.person.displayName).sorted(),
            candidates: candidates.map { Candidate(id: $0.id!.uuidString, fieldID: "kontakt-\($0.id!.uuidString.prefix(8).lowercased())", name: $0.person.displayName, offers: $0.offers) },
            actionURL: SiteURL.actionGroup(id: groupID.uuidString).path, continueURL: SiteURL.actionGroupContinue(id: groupID.uuidString).path,
            committeeURL: group.$committee.id.map { SiteURL.committee(id: $0.uuidString).path },
            projectURL: group.$project.id.map { SiteURL.project(id: $0.uuidString).path }, errors: errors)
        return try await req.renderPage("surveys/group", title: req.t("survey.groups.group_heading", group.name), content, status: status, withForms: true)
    }

    /// Adds the ticked contact records as members; only records of this survey whose person still consents.
    @Sendable
    func addMembers(req: Request) async throws -> Response {
        let (group, survey) = try await Self.findGroup(req)
        let groupID = try group.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let chosen = Set(fields.compactMap { $0.value == "on" && $0.key.hasPrefix("c_") ? UUID(uuidString: String($0.key.dropFirst(2))) : nil })
        let allowed = try await SurveyActivation.consentedContacts(try survey.requireID(), on: req.db).filter { chosen.contains($0.id!) }
        guard !allowed.isEmpty, allowed.count == chosen.count else {
            return try await groupPage(req, group: group, survey: survey, errors: [req.t("survey.error.members")], status: .badRequest)
        }
        let existing = Set(try await SurveyActionGroupMember.query(on: req.db).filter(\.$group.$id == groupID).all().map(\.$contact.id))
        try await allowed.filter { !existing.contains($0.id!) }.map { SurveyActionGroupMember(groupID: groupID, contactID: $0.id!) }.create(on: req.db)
        req.flash("survey.groups.members_added", String(allowed.count))
        return req.redirect(to: SiteURL.actionGroup(id: groupID.uuidString).path)
    }

    /// Creates a committee (a working group with the members) or a project (an idea with the group's goal) from the
    /// action group, prefilled, and links it; the group then points there.
    @Sendable
    func continueGroup(req: Request) async throws -> Response {
        let (group, survey) = try await Self.findGroup(req)
        let groupID = try group.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let before = group.auditSnapshot
        switch fields["kind"] {
        case "committee" where group.$committee.id == nil:
            let members = try await SurveyActionGroupMember.query(on: req.db).filter(\.$group.$id == groupID).with(\.$contact).all()
            let consenting = try await SurveyActivation.consenting(members.map(\.contact.$person.id), on: req.db)
            let committee = Committee(name: group.name, kind: .workingGroup, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .share, value: 50))
            committee.description = group.goal
            try await req.db.transaction { db in
                try await committee.create(on: db)
                for member in members where consenting.contains(member.contact.$person.id) {
                    try await CommitteeMembership(committeeID: try committee.requireID(), personID: member.contact.$person.id, organisationID: nil,
                                                  role: .member, votingRight: true, from: CalendarDate.today()).create(on: db)
                }
                group.$committee.id = try committee.requireID()
                try await group.save(on: db)
            }
            try await req.audit(.create, committee, before: nil)
            try await req.audit(.update, group, before: before)
            req.flash("survey.groups.continued")
            return req.redirect(to: SiteURL.committee(id: try committee.requireID().uuidString).path)
        case "project" where group.$project.id == nil:
            let project = Project(title: group.name, summary: group.goal.isEmpty ? group.name : group.goal)
            project.isResidentsInitiative = true
            project.participation = req.t("survey.groups.project_origin", survey.title)
            try await req.db.transaction { db in
                try await project.create(on: db)
                group.$project.id = try project.requireID()
                try await group.save(on: db)
            }
            try await req.audit(.create, project, before: nil)
            try await req.audit(.update, group, before: before)
            req.flash("survey.groups.continued")
            return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path)
        default:
            return try await groupPage(req, group: group, survey: survey, errors: [req.t("survey.error.continue")], status: .badRequest)
        }
    }
}
