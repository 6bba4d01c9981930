import Fluent
import QuartierCore
import Vapor

/// What staff and residents read about a project, in one shape for both. Public pages name organisations only when
/// they are in the public directory, and never a private person: a residents' initiative is shown as such.
struct ProjectFacts: Encodable {
    struct BudgetRow: Encodable {
        let id: String
        let source: String
        let purpose: String
        let planned: String
        let spent: String
        let overspent: Bool
        let deleteURL: String
        let updateURL: String
        let plannedNumber: String
        let spentNumber: String
    }

    struct SumRow: Encodable {
        let label: String
        let planned: String
        let spent: String
        let remaining: String
        let percent: Int
        let overspent: Bool
        let isTotal: Bool
    }

    struct MilestoneRow: Encodable {
        let id: String
        let title: String
        let date: String
        let machine: String
        let state: String
        let stateLabel: String
        let doneURL: String
    }

    struct DiaryRow: Encodable {
        let date: String
        let machine: String
        let paragraphs: [[String]]
        let photo: Photo?
    }

    struct Photo: Encodable {
        let url: String
        let alt: String
        let width: Int
        let height: Int
    }

    struct EventRow: Encodable {
        let title: String
        let href: String
        let date: String
        let machine: String
    }

    struct DecisionRow: Encodable {
        let title: String
        let committee: String
        let date: String
        let machine: String
        let decision: String
        let votes: String?
        let href: String?
    }

    struct PhaseStep: Encodable {
        let label: String
        let reached: Bool
        let current: Bool
    }

    let id: String
    let title: String
    let summary: [[String]]
    let phase: String
    let phaseLabel: String
    let phases: [PhaseStep]
    let fields: [String]
    let measure: String?
    let period: String?
    let lead: String?
    let partners: [String]
    let isResidentsInitiative: Bool
    let participation: [[String]]
    let budget: [BudgetRow]
    let sums: [SumRow]
    let milestones: [MilestoneRow]
    let diary: [DiaryRow]
    let events: [EventRow]
    let decisions: [DecisionRow]
    let isPublic: Bool

    static func period(_ project: Project, _ language: Language) -> String? {
        switch (project.startsOn, project.endsOn) {
        case let (start?, end?): CalendarDate.display(start, language) + " – " + CalendarDate.display(end, language)
        case let (start?, nil): CalendarDate.display(start, language) + " –"
        case let (nil, end?): "– " + CalendarDate.display(end, language)
        default: nil
        }
    }

    static func load(_ project: Project, forPublic: Bool, _ req: Request) async throws -> ProjectFacts {
        let id = try project.requireID()
        let fieldIDs = try await ProjectField.query(on: req.db).filter(\.$project.$id == id).all().map { $0.$fieldOfAction.id }
        let fields = fieldIDs.isEmpty ? [] : try await FieldOfAction.query(on: req.db).filter(\.$id ~~ fieldIDs).sort(\.$position).all()
        let measure = try await project.$measure.id.asyncMap { try await Measure.find($0, on: req.db) }
        let partners = try await ProjectPartner.query(on: req.db).filter(\.$project.$id == id).with(\.$organisation).with(\.$person).all()
        let lines = try await BudgetLine.query(on: req.db).filter(\.$project.$id == id).sort(\.$source).sort(\.$purpose).limit(ProjectRules.maximumBudgetLines).all()
        let milestones = try await Milestone.query(on: req.db).filter(\.$project.$id == id).sort(\.$dueOn).limit(ProjectRules.maximumMilestones).all()
        let diary = try await DiaryEntry.query(on: req.db).filter(\.$project.$id == id).sort(\.$day, .descending).sort(\.$createdAt, .descending).limit(100).all()
        let entryIDs = diary.compactMap(\.id)
        let photos = entryIDs.isEmpty ? [] : try await DiaryPhoto.query(on: req.db).filter(\.$entry.$id ~~ entryIDs).all()
        let eventLinks = try await ProjectEvent.query(on: req.db).filter(\.$project.$id == id).with(\.$event).all()

        let decisionLinks = try await ProjectDecision.query(on: req.db).filter(\.$project.$id == id)
            .with(\.$agendaItem) { $0.with(\.$meeting) { $0.with(\.$committee) } }.limit(50).all()
        let decisions = decisionLinks.compactMap { link -> DecisionRow? in
            let item = link.agendaItem, meeting = item.meeting, committee = meeting.committee
            // The public read a decision where the committee publishes it: a public item of a public committee, minutes approved.
            guard let decision = item.decisionText, let meetingID = meeting.id,
                  !forPublic || (committee.isPublic && item.isPublic && meeting.minutesApproved) else { return nil }
            return DecisionRow(
                title: item.title, committee: committee.name, date: BerlinTime.date(meeting.startsAt, req.language),
                machine: BerlinTime.machineReadable(meeting.startsAt), decision: decision,
                votes: item.votes.map { req.t("projects.votes", String($0.yes), String($0.no), String($0.abstain)) },
                href: (forPublic ? SiteURL.publicMeeting(id: meetingID.uuidString) : SiteURL.meeting(id: meetingID.uuidString)).path)
        }.sorted { $0.machine > $1.machine }
        func organisationName(_ organisation: Organisation) -> String? { !forPublic || organisation.isPublic ? organisation.name : nil }
        func personName(_ person: Person) -> String? { forPublic ? nil : person.displayName }
        var lead: String?
        if let organisationID = project.$leadOrganisation.id, let organisation = try await Organisation.find(organisationID, on: req.db) {
            lead = organisationName(organisation)
        } else if let personID = project.$leadPerson.id, let person = try await Person.find(personID, on: req.db) {
            lead = personName(person) ?? req.t("projects.lead_resident")
        }
        let partnerNames = partners.compactMap { partner in partner.organisation.flatMap(organisationName) ?? partner.person.flatMap(personName) }

        let summary = BudgetSummary(lines.map(\.amount))
        func sumRow(_ label: String, _ sum: BudgetSummary.Sum, total: Bool = false) -> SumRow {
            SumRow(label: label, planned: Money.format(cents: sum.plannedCents), spent: Money.format(cents: sum.spentCents),
                   remaining: Money.format(cents: sum.remainingCents), percent: sum.percentSpent, overspent: sum.isOverspent, isTotal: total)
        }
        var sums = summary.bySource.map { sumRow(req.t("funding.\($0.source.rawValue)"), $0.sum) }
        if summary.bySource.contains(where: { $0.source.isUrbanDevelopmentFunding }) {
            sums.append(sumRow(req.t("funding.urban_development"), summary.urbanDevelopmentFunding))
        }
        if !lines.isEmpty { sums.append(sumRow(req.t("projects.budget_total"), summary.total, total: true)) }

        let today = CalendarDate.today()
        let current = project.phase
        let events = eventLinks.compactMap { link -> EventRow? in
            let event = link.event
            guard !forPublic || event.state.isPublic, let eventID = event.id else { return nil }
            return EventRow(title: event.title, href: (forPublic ? SiteURL.publicEvent(id: eventID.uuidString) : SiteURL.event(id: eventID.uuidString)).path,
                            date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt))
        }.sorted { $0.machine < $1.machine }
        return ProjectFacts(
            id: id.uuidString, title: project.title, summary: PlainText.paragraphs(project.summary),
            phase: current.rawValue, phaseLabel: req.t("project.phase.\(current.rawValue)"),
            phases: ProjectPhase.allCases.map { PhaseStep(label: req.t("project.phase.\($0.rawValue)"), reached: $0 <= current, current: $0 == current) },
            fields: fields.map(\.name), measure: measure?.label, period: period(project, req.language),
            lead: lead, partners: partnerNames, isResidentsInitiative: project.isResidentsInitiative,
            participation: PlainText.paragraphs(project.participation),
            budget: try lines.map { line in
                BudgetRow(id: try line.requireID().uuidString, source: req.t("funding.\(line.source.rawValue)"), purpose: line.purpose,
                          planned: Money.format(cents: line.plannedCents), spent: Money.format(cents: line.spentCents),
                          overspent: line.spentCents > line.plannedCents, deleteURL: SiteURL.budgetLineDelete(id: try line.requireID().uuidString).path,
                          updateURL: SiteURL.budgetLine(id: try line.requireID().uuidString).path,
                          plannedNumber: Money.formatNumber(cents: line.plannedCents), spentNumber: Money.formatNumber(cents: line.spentCents))
            },
            sums: sums,
            milestones: try milestones.map { milestone in
                let state = milestone.state(today: today)
                return MilestoneRow(id: try milestone.requireID().uuidString, title: milestone.title, date: CalendarDate.display(milestone.dueOn, req.language),
                                    machine: CalendarDate.iso(milestone.dueOn), state: state.rawValue, stateLabel: req.t("milestone.state.\(state.rawValue)"),
                                    doneURL: SiteURL.milestoneDone(id: try milestone.requireID().uuidString).path)
            },
            diary: diary.map { entry in
                let photo = photos.first { $0.$entry.id == entry.id }.flatMap { photo in
                    photo.id.map { Photo(url: SiteURL.projectPhoto(id: $0.uuidString).path, alt: photo.altText, width: photo.width, height: photo.height) }
                }
                return DiaryRow(date: CalendarDate.display(entry.day, req.language), machine: CalendarDate.iso(entry.day),
                                paragraphs: PlainText.paragraphs(entry.text), photo: photo)
            },
            events: events, decisions: decisions, isPublic: project.isPublic
        )
    }
}
