import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The sample (addresses with their visits and coverage per street) and the field mode: one form to record a visit
/// and its interview, used on the phone at the door (offline, sent later by `/js/survey-field.js`) and in the office
/// for paper questionnaires. Interviewers are staff, or member accounts in one of the survey's teams.
struct SurveyFieldController: RouteCollection {
    struct VisitRow: Encodable {
        let date: String
        let outcome: String
        let interviewer: String
        let interviewURL: String?
        let deleteURL: String
    }

    struct AddressRow: Encodable {
        let label: String
        let subArea: String
        let visits: [VisitRow]
    }

    struct AddressesContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let coverage: [SurveyResultsController.CoverageRow]
        let coverageTruncated: Bool
        let rows: [AddressRow]
        let pagination: PaginationContext
        let actionURL: String
        let importURL: String
        let draft: [String: String]
        let errors: [String]
    }

    struct Choice: Encodable {
        let name: String
        let value: String
        let label: String
        let id: String
        let checked: Bool
    }

    struct QuestionField: Encodable {
        let number: Int
        let name: String
        let id: String
        let text: String
        let kind: String
        let value: String
        let choices: [Choice]
    }

    struct ChoiceGroup: Encodable {
        let name: String
        let legend: String
        let choices: [Choice]
    }

    struct AddressGroup: Encodable {
        let street: String
        let options: [SelectOption]
    }

    struct FieldContent: Encodable {
        let surveyTitle: String
        let surveyURL: String?
        let streets: [SelectOption]
        let street: String
        let addressGroups: [AddressGroup]
        let addressesTruncated: Bool
        let outcomes: [Choice]
        let visitedOn: String
        let clientID: String
        let guideID: String
        let guideVersion: Int
        let form: InterviewForm
        let contact: [String: String]
        let contactConsent: Bool
        let interviewers: [SelectOption]
        let actionURL: String
        let syncURL: String
        let scriptURL: String
        let workerURL: String
        let workerScope: String
        let errors: [String]
    }

    struct InterviewRow: Encodable {
        let url: String
        let date: String
        let address: String
        let subArea: String
        let version: Int
        let willingness: String
    }

    struct InterviewsContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let csvURL: String
        let rows: [InterviewRow]
        let pagination: PaginationContext
    }

    struct SyncRecord: Content {
        let fields: [String: String]
    }

    struct SyncAnswer: Content {
        let result: String
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyAddresses(id: ":id"), use: addresses)
        staff.post(.surveyAddresses(id: ":id"), use: addAddress)
        staff.on(.POST, SiteURL.surveyAddressImport(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: importAddresses)
        staff.get(.surveyInterviews(id: ":id"), use: interviews)
        staff.get(.surveyInterviewsCSV(id: ":id"), use: interviewsCSV)
        routes.get(.surveyFieldWorker, use: worker)
        let interviewers = routes.grouped(RequireRole(role: .member))
        interviewers.get(.surveyField(id: ":id"), use: field)
        interviewers.post(.surveyField(id: ":id"), use: recordForm)
        interviewers.post(.surveyFieldSync(id: ":id"), use: sync)
    }

    // MARK: - Sample

    @Sendable
    func addresses(req: Request) async throws -> Response {
        try await addressesPage(req, survey: try await SurveyController.find(req), draft: [:], errors: [], status: .ok)
    }

    private func addressesPage(_ req: Request, survey: Survey, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        let base = { SurveyAddress.query(on: req.db).filter(\.$survey.$id == id) }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: SurveyLimits.perPage, total: try await base().count())
        let rows = try await SurveyAddress.inWalkingOrder(base()).range(window.offset..<(window.offset + window.perPage)).all()
        let coverage = try await SurveyStatistics.coverage(id, by: .street, limit: SurveyLimits.streets, on: req.db)
        // The visits of this page's addresses, with a way to an interview's answers and to delete a visit made by mistake.
        let addressIDs = rows.compactMap(\.id)
        let visits = addressIDs.isEmpty ? [] : try await SurveyVisit.query(on: req.db).filter(\.$address.$id ~~ addressIDs).with(\.$interviewer)
            .sort(\.$visitedOn).all()
        let visitIDs = visits.compactMap(\.id)
        let interviews = visitIDs.isEmpty ? [] : try await SurveyInterview.query(on: req.db).filter(\.$visit.$id ~~ visitIDs).all()
        let interviewByVisit = Dictionary(interviews.map { ($0.$visit.id, $0) }, uniquingKeysWith: { first, _ in first })
        let visitsByAddress = Dictionary(grouping: try visits.map { visit in
            (visit.$address.id, VisitRow(
                date: CalendarDate.display(visit.visitedOn, req.language), outcome: req.t("survey.outcome.\(visit.outcome.rawValue)"),
                interviewer: visit.interviewer?.name ?? "–",
                interviewURL: try interviewByVisit[try visit.requireID()].map { SiteURL.surveyInterview(id: try $0.requireID().uuidString).path },
                deleteURL: SiteURL.surveyVisitDelete(id: try visit.requireID().uuidString).path))
        }, by: \.0).mapValues { $0.map(\.1) }
        let content = AddressesContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: id.uuidString).path,
            coverage: coverage.map { SurveyResultsController.CoverageRow($0, req) }, coverageTruncated: coverage.count >= SurveyLimits.streets,
            rows: rows.map { AddressRow(label: $0.label, subArea: $0.subArea, visits: $0.id.flatMap { visitsByAddress[$0] } ?? []) },
            pagination: PaginationContext(window, baseURL: SiteURL.surveyAddresses(id: id.uuidString).path, req: req),
            actionURL: SiteURL.surveyAddresses(id: id.uuidString).path, importURL: SiteURL.surveyAddressImport(id: id.uuidString).path,
            draft: draft, errors: errors)
        return try await req.renderPage("surveys/addresses", title: req.t("survey.addresses.heading", survey.title), content, status: status, withForms: true)
    }

    @Sendable
    func addAddress(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        func clean(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let address = SurveyAddress(surveyID: id, street: clean("street"), houseNumber: clean("houseNumber"), entrance: clean("entrance"), subArea: clean("subArea"))
        var errors: [String] = []
        if address.street.isEmpty || address.houseNumber.isEmpty { errors.append(req.t("survey.error.address_incomplete")) }
        if errors.isEmpty, try await Self.exists(address, on: req.db) { errors.append(req.t("survey.error.address_taken", address.label)) }
        guard errors.isEmpty else { return try await addressesPage(req, survey: survey, draft: fields, errors: errors, status: .badRequest) }
        try await address.create(on: req.db)
        try await SurveyStatistics.touch(id, on: req.db)
        req.flash("survey.address_added", address.label)
        return req.redirect(to: SiteURL.surveyAddresses(id: id.uuidString).path)
    }

    private static func exists(_ address: SurveyAddress, on db: any Database) async throws -> Bool {
        try await SurveyAddress.query(on: db).filter(\.$survey.$id == address.$survey.id).filter(\.$street == address.street)
            .filter(\.$houseNumber == address.houseNumber).filter(\.$entrance == address.entrance).first() != nil
    }

    /// Reads a CSV (Straße; Hausnummer; Eingang; Teilgebiet — as German Excel saves it) and adds every address that is
    /// not in the sample yet. A file with a wrong line adds nothing and names the line.
    @Sendable
    func importAddresses(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        struct Upload: Content { var file: File? }
        guard let file = (try? req.content.decode(Upload.self))?.file, file.data.readableBytes > 0 else {
            return try await addressesPage(req, survey: survey, draft: [:], errors: [req.t("survey.error.import_file")], status: .badRequest)
        }
        let table: GermanCSV.Table
        do { table = try GermanCSV.read(Data(buffer: file.data)) } catch {
            return try await addressesPage(req, survey: survey, draft: [:], errors: [req.t("survey.error.import_file")], status: .badRequest)
        }
        let header = table.header.map { Person.searchKey($0).replacingOccurrences(of: "ß", with: "ss").trimmingCharacters(in: .whitespaces) }
        func column(_ names: [String]) -> Int? { header.firstIndex { names.contains($0) } }
        guard let streetColumn = column(["strasse", "street"]), let numberColumn = column(["hausnummer", "house number", "nr", "nr."]) else {
            return try await addressesPage(req, survey: survey, draft: [:], errors: [req.t("survey.error.import_header")], status: .badRequest)
        }
        let entranceColumn = column(["eingang", "entrance"]), areaColumn = column(["teilgebiet", "sub-area", "sub area"])
        var errors: [String] = []
        var seen = Set<String>()
        var addresses: [SurveyAddress] = []
        for (index, row) in table.rows.enumerated() {
            func cell(_ column: Int?) -> String { column.flatMap { row.indices.contains($0) ? row[$0] : nil }?.trimmingCharacters(in: .whitespaces) ?? "" }
            let address = SurveyAddress(surveyID: id, street: cell(streetColumn), houseNumber: cell(numberColumn), entrance: cell(entranceColumn), subArea: cell(areaColumn))
            if address.street.isEmpty && address.houseNumber.isEmpty { continue }
            let line = table.lineNumbers.indices.contains(index) ? table.lineNumbers[index] : index + 2
            if address.street.isEmpty || address.houseNumber.isEmpty { errors.append(req.t("survey.error.import_line", String(line))); continue }
            if seen.insert(address.label).inserted { addresses.append(address) }
        }
        guard errors.isEmpty else { return try await addressesPage(req, survey: survey, draft: [:], errors: Array(errors.prefix(20)), status: .badRequest) }
        let known = Set(try await SurveyAddress.query(on: req.db).filter(\.$survey.$id == id).all().map(\.label))
        let fresh = addresses.filter { !known.contains($0.label) }
        try await req.db.transaction { db in
            for chunk in fresh.chunked(into: 200) { try await chunk.create(on: db) }
            try await SurveyStatistics.touch(id, on: db)
        }
        req.flash("survey.imported", String(fresh.count), String(addresses.count - fresh.count))
        return req.redirect(to: SiteURL.surveyAddresses(id: id.uuidString).path)
    }

    // MARK: - Field mode and paper entry

    static func findForInterviewer(_ req: Request) async throws -> (Survey, User) {
        let survey = try await SurveyController.find(req)
        guard let user = req.currentUser else { throw Abort(.unauthorized) }
        guard try await SurveyDesk.mayRecord(user, surveyID: try survey.requireID(), on: req.db) else { throw UserError(.forbidden, "survey.error.not_interviewer") }
        return (survey, user)
    }

    @Sendable
    func field(req: Request) async throws -> Response {
        let (survey, user) = try await Self.findForInterviewer(req)
        return try await fieldPage(req, survey: survey, user: user, draft: ["street": (try? req.query.get(String.self, at: "strasse")) ?? ""], errors: [], status: .ok)
    }

    private func fieldPage(_ req: Request, survey: Survey, user: User, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        guard let guide = try await SurveyDesk.currentGuide(surveyID: id, on: req.db) else { throw Abort(.notFound) }
        let questions = try await SurveyDesk.questions(guideID: try guide.requireID(), on: req.db)
        let street = draft["street"] ?? ""
        let streets = try await SurveyStatistics.streets(id, limit: SurveyLimits.streets, on: req.db)
        let query = SurveyAddress.query(on: req.db).filter(\.$survey.$id == id)
        if !street.isEmpty { query.filter(\.$street == street) }
        let addresses = try await SurveyAddress.inWalkingOrder(query).limit(SurveyLimits.addressesPerStreet).all()
        var groups: [AddressGroup] = []
        for address in addresses {
            let option = SelectOption(value: try address.requireID().uuidString, label: address.label, selected: draft["address"] == address.id?.uuidString)
            if groups.last?.street == address.street {
                groups[groups.count - 1] = AddressGroup(street: address.street, options: groups[groups.count - 1].options + [option])
            } else {
                groups.append(AddressGroup(street: address.street, options: [option]))
            }
        }
        func choices(_ name: String, _ values: [(String, String)]) -> [Choice] { Self.choices(name, values, draft) }
        let form = Self.interviewForm(questions: questions, guide: guide, draft: draft, req: req)
        // Staff entering paper questionnaires name who made the visit; they themselves come first, so that the choice is
        // never silently somebody else.
        var interviewers: [User] = []
        if user.role.includes(.staff) {
            interviewers = [user] + (try await SurveyDesk.interviewers(surveyID: id, on: req.db)).filter { $0.id != user.id }
        }
        let chosenInterviewer = draft["interviewer"] ?? user.id?.uuidString ?? ""
        let content = FieldContent(
            surveyTitle: survey.title,
            surveyURL: user.role.includes(.staff) ? SiteURL.survey(id: id.uuidString).path : nil,
            streets: [SelectOption(value: "", label: req.t("survey.field.all_streets"), selected: street.isEmpty)]
                + streets.map { SelectOption(value: $0, label: $0, selected: $0 == street) },
            street: street, addressGroups: groups, addressesTruncated: addresses.count >= SurveyLimits.addressesPerStreet,
            outcomes: choices("outcome", VisitOutcome.allCases.map { ($0.rawValue, req.t("survey.outcome.\($0.rawValue)")) }),
            visitedOn: draft["visitedOn"] ?? CalendarDate.iso(CalendarDate.today()),
            clientID: draft["clientID"] ?? UUID().uuidString.lowercased(),
            guideID: try guide.requireID().uuidString, guideVersion: guide.version,
            form: form,
            contact: ["name": draft["contactName"] ?? "", "email": draft["contactEmail"] ?? "", "phone": draft["contactPhone"] ?? "", "offers": draft["contactOffers"] ?? ""],
            contactConsent: draft["contactConsent"] == "on",
            interviewers: interviewers.map { SelectOption(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == chosenInterviewer) },
            actionURL: SiteURL.surveyField(id: id.uuidString).path, syncURL: SiteURL.surveyFieldSync(id: id.uuidString).path,
            scriptURL: SiteURL.surveyFieldScript.path, workerURL: SiteURL.surveyFieldWorker.path, workerScope: SiteURL.surveyFieldScope,
            errors: errors)
        return try await req.renderPage("surveys/field", title: req.t("survey.field.heading", survey.title), content, status: status, withForms: true)
    }

    static func choices(_ name: String, _ values: [(String, String)], _ draft: [String: String]) -> [Choice] {
        values.map { Choice(name: name, value: $0.0, label: $0.1, id: "\(name)-\($0.0)", checked: draft[name] == $0.0) }
    }

    /// The interview part of the form (questions, demographics, willingness, skills, invitation), filled from `draft`:
    /// the field form and the correction of an interview show the same fields.
    struct InterviewForm: Encodable {
        let questions: [QuestionField]
        let demographics: [ChoiceGroup]
        let asksDemographics: Bool
        let isGroup: Bool
        let willingness: [Choice]
        let skills: String
        let wantsInvitation: Bool
    }

    static func interviewForm(questions: [SurveyQuestion], guide: SurveyGuide, draft: [String: String], req: Request) -> InterviewForm {
        func group<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ name: String, _ prefix: String) -> ChoiceGroup where T.RawValue == String {
            ChoiceGroup(name: name, legend: req.t("survey.demographics.\(name)"),
                        choices: choices(name, [("", req.t("survey.no_answer"))] + T.allCases.map { ($0.rawValue, req.t("\(prefix).\($0.rawValue)")) }, draft))
        }
        return InterviewForm(
            questions: questions.enumerated().map { index, question in
                let name = SurveyDesk.fieldName(question)
                let options: [(String, String)] = question.kind == .scale
                    ? SurveyScale.range.map { (String($0), String($0)) }
                    : question.optionList.enumerated().map { (String($0.offset + 1), $0.element) }
                return QuestionField(
                    number: index + 1, name: name, id: "frage-\(question.position)", text: question.text, kind: question.kind.rawValue,
                    value: draft[name] ?? "",
                    choices: question.kind == .multiple
                        ? options.map { Choice(name: "\(name)_\($0.0)", value: "on", label: $0.1, id: "\(name)-\($0.0)", checked: draft["\(name)_\($0.0)"] == "on") }
                        : choices(name, options, draft))
            },
            demographics: [group(SurveyAgeGroup.self, "ageGroup", "survey.age"), group(SurveyGender.self, "gender", "survey.gender"),
                           group(SurveyHousehold.self, "household", "survey.household"), group(SurveyTenure.self, "tenure", "survey.tenure"),
                           group(InterviewLanguage.self, "language", "survey.language")],
            asksDemographics: guide.asksDemographics, isGroup: draft["isGroup"] == "on",
            willingness: choices("willingness", SurveyScale.range.map { (String($0), req.t("survey.willingness.\($0)")) }, draft),
            skills: draft["skills"] ?? "", wantsInvitation: draft["wantsInvitation"] == "on")
    }

    /// The service worker that lets the field page open again without a network. Served from here rather than from
    /// /js/ because a worker controls only pages below its own address.
    @Sendable
    func worker(req: Request) async throws -> Response {
        let path = req.application.directory.publicDirectory + "js/survey-field-worker.js"
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    /// The form sent without JavaScript (paper entry in the office, or a phone with scripts off).
    @Sendable
    func recordForm(req: Request) async throws -> Response {
        let (survey, user) = try await Self.findForInterviewer(req)
        var fields = (try? req.content.decode([String: String].self)) ?? [:]
        fields[CSRF.fieldName] = nil
        switch try await SurveyDesk.record(fields, survey: survey, user: user, source: .paper, on: req.db) {
        case .stored, .duplicate:
            req.flash("survey.visit_stored")
            let street = fields["street"].map { "?strasse=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
            return req.redirect(to: SiteURL.surveyField(id: try survey.requireID().uuidString).path + street)
        case .refused(let keys):
            return try await fieldPage(req, survey: survey, user: user, draft: fields, errors: keys.map { req.t($0) }, status: .badRequest)
        }
    }

    /// One record of the offline queue, as JSON. Answers 200 when the visit is stored now or was stored before (then
    /// nothing new is stored), 422 with messages when it can never be stored as it is.
    @Sendable
    func sync(req: Request) async throws -> Response {
        let (survey, user) = try await Self.findForInterviewer(req)
        guard let record = try? req.content.decode(SyncRecord.self) else {
            return try await SyncAnswer(result: "refused", errors: [req.t("survey.error.client_id")]).encodeResponse(status: .unprocessableEntity, for: req)
        }
        switch try await SurveyDesk.record(record.fields, survey: survey, user: user, source: .verbal, on: req.db) {
        case .stored: return try await SyncAnswer(result: "stored", errors: []).encodeResponse(status: .ok, for: req)
        case .duplicate: return try await SyncAnswer(result: "duplicate", errors: []).encodeResponse(status: .ok, for: req)
        case .refused(let keys):
            return try await SyncAnswer(result: "refused", errors: keys.map { req.t($0) }).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    // MARK: - Interviews

    @Sendable
    func interviews(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let base = { SurveyInterview.query(on: req.db).filter(\.$survey.$id == id) }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: SurveyLimits.perPage, total: try await base().count())
        let rows = try await base().sort(\.$interviewedOn, .descending).sort(\.$id, .descending).range(window.offset..<(window.offset + window.perPage))
            .with(\.$guide).with(\.$visit) { $0.with(\.$address) }.all()
        let content = InterviewsContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: id.uuidString).path, csvURL: SiteURL.surveyInterviewsCSV(id: id.uuidString).path,
            rows: try rows.map { InterviewRow(url: SiteURL.surveyInterview(id: try $0.requireID().uuidString).path, date: CalendarDate.display($0.interviewedOn, req.language), address: $0.visit.address.label, subArea: $0.subArea,
                                          version: $0.guide.version, willingness: $0.willingness.map(String.init) ?? "–") },
            pagination: PaginationContext(window, baseURL: SiteURL.surveyInterviews(id: id.uuidString).path, req: req))
        return try await req.renderPage("surveys/interviews", title: req.t("survey.interviews.heading", survey.title), content)
    }

    @Sendable
    func interviewsCSV(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let data = try await SurveyExport.interviews(survey, req: req)
        return ExportController.csvResponse(data, filename: "interviews.csv")
    }
}

extension SiteURL {
    /// The field pages live outside /verwaltung, where everything is for staff: interviewers may be member accounts.
    /// The service worker's scope is this prefix.
    static let surveyFieldScope = "/befragung/"
}
