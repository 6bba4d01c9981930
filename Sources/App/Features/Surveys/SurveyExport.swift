import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The survey's CSV files, as German Excel opens them (UTF-8 with BOM, `;`), and R and SPSS read them with
/// `sep = ";"` / `encoding = "UTF-8-BOM"`: every interview in one row with numeric codes for closed questions
/// and 0/1 per theme; and the invitation list for a mail merge.
enum SurveyExport {
    static let chunk = 5000

    static func interviews(_ survey: Survey, req: Request) async throws -> Data {
        let id = try survey.requireID()
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).sort(\.$position).sort(\.$name).all()
        let guide = try await SurveyDesk.currentGuide(surveyID: id, on: req.db)
        var questions: [SurveyQuestion] = []
        if let guide { questions = try await SurveyDesk.questions(guideID: try guide.requireID(), on: req.db) }
        let closed = questions.filter { $0.kind.isClosed }
        var header = ["nr", "datum", "leitfaden_version", "teilgebiet", "altersgruppe", "geschlecht", "haushalt", "wohnverhaeltnis", "sprache",
                      "gruppe", "engagement", "ressourcen", "einladung"]
        var questionColumns: [(UUID, Int?)] = []
        for (index, question) in closed.enumerated() {
            if question.kind == .multiple {
                for option in question.optionList.indices {
                    header.append("f\(index + 1)_\(option + 1)")
                    questionColumns.append((question.key, option + 1))
                }
            } else {
                header.append("f\(index + 1)")
                questionColumns.append((question.key, nil))
            }
        }
        header += themes.indices.map { "thema_\($0 + 1)" }
        let themeIDs = try themes.map { try $0.requireID() }
        let versions = Dictionary(uniqueKeysWithValues: try await SurveyGuide.query(on: req.db).filter(\.$survey.$id == id).all().map { ($0.id!, $0.version) })

        var rows: [[String]] = []
        var last: UUID?
        while true {
            let query = SurveyInterview.query(on: req.db).filter(\.$survey.$id == id).sort(\.$id).limit(chunk)
            if let last { query.filter(\.$id > last) }
            let page = try await query.all()
            guard let lastOfPage = page.last else { break }
            last = lastOfPage.id
            let ids = page.compactMap(\.id)
            let list = SQLList(ids.map { SQLBind($0) })
            var choices: [UUID: [UUID: Set<Int>]] = [:]
            for row in try await SurveyStatistics.sql(req.db).raw("""
                SELECT interview_id AS i, question_key AS q, choice AS c FROM survey_answer_choices WHERE interview_id IN (\(list))
                """).all() {
                choices[try row.decode(column: "i", as: UUID.self), default: [:]][try row.decode(column: "q", as: UUID.self), default: []]
                    .insert(try row.decode(column: "c", as: Int.self))
            }
            var coded: [UUID: Set<UUID>] = [:]
            for row in try await SurveyStatistics.sql(req.db).raw("""
                SELECT interview_id AS i, theme_id AS t FROM survey_interview_themes WHERE interview_id IN (\(list))
                """).all() {
                coded[try row.decode(column: "i", as: UUID.self), default: []].insert(try row.decode(column: "t", as: UUID.self))
            }
            for interview in page {
                let interviewID = interview.id!
                var row = [String(rows.count + 1), CalendarDate.iso(interview.interviewedOn), String(versions[interview.$guide.id] ?? 0), interview.subArea,
                           interview.ageGroup?.rawValue ?? "", interview.gender?.rawValue ?? "", interview.household?.rawValue ?? "",
                           interview.tenure?.rawValue ?? "", interview.language?.rawValue ?? "", interview.isGroup ? "1" : "0",
                           interview.willingness.map(String.init) ?? "", interview.skills, interview.wantsInvitation ? "1" : "0"]
                for (key, option) in questionColumns {
                    let chosen = choices[interviewID]?[key] ?? []
                    if let option { row.append(chosen.isEmpty ? "" : (chosen.contains(option) ? "1" : "0")) } else { row.append(chosen.first.map(String.init) ?? "") }
                }
                row += themeIDs.map { (coded[interviewID] ?? []).contains($0) ? "1" : "0" }
                rows.append(row)
            }
        }
        return GermanCSV.write(header: header, rows: rows)
    }

    /// The persons who asked to be invited to the results and whose consent to be contacted stands.
    static func invitations(_ survey: Survey, req: Request) async throws -> Data {
        let contacts = try await SurveyActivation.consentedContacts(try survey.requireID(), on: req.db).filter(\.wantsInvitation)
        let header = ["vorname", "nachname", "email", "telefon", "bietet_an"]
        let rows = contacts.map { [$0.person.givenName, $0.person.familyName, $0.person.email, $0.person.phone, $0.offers] }
        return GermanCSV.write(header: header, rows: rows)
    }
}
