import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The survey's counts, each summed up by the database in one GROUP BY, so that the results page runs the same few
/// queries for forty interviews and for a hundred thousand.
enum SurveyStatistics {
    enum CoverageGroup: String {
        case street, subArea = "sub_area"
    }

    /// The interview columns the results are broken down by.
    enum Dimension: String, CaseIterable {
        case subArea = "sub_area", ageGroup = "age_group", gender, household, tenure, language, isGroup = "is_group", willingness
    }

    /// Marks the survey's results as changed (a visit, an answer's codes, the guide, the codebook or the sample).
    static func touch(_ surveyID: UUID, on db: any Database) async throws {
        try await sql(db).raw("UPDATE surveys SET results_version = results_version + 1 WHERE id = \(bind: surveyID)").run()
    }

    static func sql(_ db: any Database) -> any SQLDatabase {
        // Quartier runs on SQLite or PostgreSQL only; both speak SQL.
        db as! any SQLDatabase
    }

    /// The sample's streets, for the field mode's choice of street.
    static func streets(_ surveyID: UUID, limit: Int, on db: any Database) async throws -> [String] {
        try await sql(db).raw("SELECT DISTINCT street FROM survey_addresses WHERE survey_id = \(bind: surveyID) ORDER BY street LIMIT \(unsafeRaw: String(limit))")
            .all().map { try $0.decode(column: "street", as: String.self) }
    }

    /// Addresses, visits, interviews and refusals per street or sub-area, sorted by name; `nil` gives one row for all.
    static func coverage(_ surveyID: UUID, by group: CoverageGroup?, limit: Int = 1000, on db: any Database) async throws -> [SurveyFigures.Coverage] {
        // PostgreSQL refuses GROUP BY a constant: the whole sample is one group without GROUP BY.
        let column = group.map { "a." + $0.rawValue } ?? "''"
        let grouping = group.map { "GROUP BY a.\($0.rawValue)" } ?? ""
        let addressRows = try await sql(db).raw("""
            SELECT \(unsafeRaw: column) AS g, COUNT(*) AS n FROM survey_addresses a WHERE a.survey_id = \(bind: surveyID)
            \(unsafeRaw: grouping) ORDER BY 1 LIMIT \(unsafeRaw: String(limit))
            """).all()
        // Visits are first summed per address along the (survey, address, outcome) index, then the far fewer addresses
        // are looked up for their group: at city scale this halves the time of joining every visit to its address.
        // (PostgreSQL sums BIGINTs to NUMERIC, hence the casts.)
        let visitRows = try await sql(db).raw("""
            SELECT \(unsafeRaw: column) AS g, COUNT(*) AS visited, CAST(SUM(v.visits) AS BIGINT) AS visits,
                   CAST(SUM(v.interviews) AS BIGINT) AS interviews, CAST(SUM(v.refusals) AS BIGINT) AS refusals
            FROM (SELECT address_id, COUNT(*) AS visits, SUM(CASE WHEN outcome = 'interview' THEN 1 ELSE 0 END) AS interviews,
                         SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END) AS refusals
                  FROM survey_visits WHERE survey_id = \(bind: surveyID) GROUP BY address_id) v
            JOIN survey_addresses a ON a.id = v.address_id \(unsafeRaw: grouping)
            """).all()
        var visits: [String: (Int, Int, Int, Int)] = [:]
        for row in visitRows {
            visits[try row.decode(column: "g", as: String.self)] = (try row.decode(column: "visited", as: Int.self), try row.decode(column: "visits", as: Int.self),
                                                                    try row.decode(column: "interviews", as: Int.self), try row.decode(column: "refusals", as: Int.self))
        }
        return try addressRows.map { row in
            let label = try row.decode(column: "g", as: String.self)
            let counts = visits[label] ?? (0, 0, 0, 0)
            return SurveyFigures.Coverage(label: label, addresses: try row.decode(column: "n", as: Int.self), visited: counts.0, visits: counts.1,
                                          interviews: counts.2, refusals: counts.3)
        }
    }

    static func outcomes(_ surveyID: UUID, on db: any Database) async throws -> [String: Int] {
        try await counts(sql(db).raw("SELECT outcome AS k, COUNT(*) AS n FROM survey_visits WHERE survey_id = \(bind: surveyID) GROUP BY outcome"))
    }

    private static func counts(_ query: SQLRawBuilder) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await query.all() {
            result[try row.decode(column: "k", as: String?.self) ?? "", default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    /// Interviews per value of each dimension. The database counts the interviews per combination of all dimensions
    /// in one pass along the index that holds them in this order (no sorting; at city scale a few thousand
    /// combinations), and the distributions are summed from those here. Booleans come back as 1/0 on SQLite and
    /// true/false on PostgreSQL; both are read as "yes"/"no".
    static func distributions(_ surveyID: UUID, on db: any Database) async throws -> [Dimension: [String: Int]] {
        let columns = Dimension.allCases.map(\.rawValue).joined(separator: ", ")
        var result: [Dimension: [String: Int]] = [:]
        for row in try await sql(db).raw("""
            SELECT \(unsafeRaw: columns), COUNT(*) AS n FROM survey_interviews WHERE survey_id = \(bind: surveyID) GROUP BY \(unsafeRaw: columns)
            """).all() {
            let count = try row.decode(column: "n", as: Int.self)
            for dimension in Dimension.allCases {
                let key: String
                switch dimension {
                case .isGroup: key = try row.decode(column: dimension.rawValue, as: Bool.self) ? "yes" : "no"
                case .willingness: key = try row.decode(column: dimension.rawValue, as: Int?.self).map(String.init) ?? ""
                default: key = try row.decode(column: dimension.rawValue, as: String?.self) ?? ""
                }
                result[dimension, default: [:]][key, default: 0] += count
            }
        }
        return result
    }

    static func interviewCount(_ surveyID: UUID, on db: any Database) async throws -> Int {
        try await SurveyInterview.query(on: db).filter(\.$survey.$id == surveyID).count()
    }

    /// Interviews that mention each theme (an interview counts once per theme, however many answers carry it), and
    /// the same split by sub-area, age group and tenure: one pass along the index of (survey, theme, sub-area, age
    /// group, tenure), summed here.
    struct ThemeFigures {
        var counts: [String: Int] = [:]
        var cross: [Dimension: [String: [String: Int]]] = [:]
    }

    static let themeCrossDimensions: [Dimension] = [.subArea, .ageGroup, .tenure]

    static func themeFigures(_ surveyID: UUID, on db: any Database) async throws -> ThemeFigures {
        var figures = ThemeFigures()
        for row in try await sql(db).raw("""
            SELECT theme_id, sub_area, age_group, tenure, COUNT(*) AS n FROM survey_interview_themes
            WHERE survey_id = \(bind: surveyID) GROUP BY theme_id, sub_area, age_group, tenure
            """).all() {
            let theme = try row.decode(column: "theme_id", as: UUID.self).uuidString
            let count = try row.decode(column: "n", as: Int.self)
            figures.counts[theme, default: 0] += count
            for dimension in themeCrossDimensions {
                let key = try row.decode(column: dimension.rawValue, as: String?.self) ?? ""
                figures.cross[dimension, default: [:]][theme, default: [:]][key, default: 0] += count
            }
        }
        return figures
    }

    /// Chosen options per closed question (by question key), and how many interviews answered each multiple-choice
    /// question (for single choices and scales that is the sum of the chosen options).
    static func choiceCounts(_ surveyID: UUID, multipleKeys keys: [UUID], on db: any Database) async throws -> (choices: [UUID: [Int: Int]], answered: [UUID: Int]) {
        var choices: [UUID: [Int: Int]] = [:]
        for row in try await sql(db).raw("""
            SELECT question_key AS q, choice AS c, COUNT(*) AS n FROM survey_answer_choices WHERE survey_id = \(bind: surveyID) GROUP BY question_key, choice
            """).all() {
            choices[try row.decode(column: "q", as: UUID.self), default: [:]][try row.decode(column: "c", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        var answered: [UUID: Int] = [:]
        guard !keys.isEmpty else { return (choices, answered) }
        for row in try await sql(db).raw("""
            SELECT question_key AS q, COUNT(*) AS n FROM survey_answers WHERE survey_id = \(bind: surveyID)
            AND question_key IN (\(SQLList(keys.map { SQLBind($0) }))) GROUP BY question_key
            """).all() {
            answered[try row.decode(column: "q", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return (choices, answered)
    }

    /// Recomputes each interview's set of themes from its coded answers, with the interview's sub-area, age group and
    /// tenure beside it. Run after every coding change for the interviews it touched.
    static func refreshInterviewThemes(_ interviewIDs: [UUID], on db: any Database) async throws {
        guard !interviewIDs.isEmpty else { return }
        let list = SQLList(interviewIDs.map { SQLBind($0) })
        try await sql(db).raw("DELETE FROM survey_interview_themes WHERE interview_id IN (\(list))").run()
        try await sql(db).raw("""
            INSERT INTO survey_interview_themes (interview_id, theme_id, survey_id, sub_area, age_group, tenure)
            SELECT DISTINCT t.interview_id, t.theme_id, i.survey_id, i.sub_area, i.age_group, i.tenure
            FROM survey_answer_themes t JOIN survey_interviews i ON i.id = t.interview_id WHERE t.interview_id IN (\(list))
            """).run()
    }
}
