import Fluent
import NIOConcurrencyHelpers
import QuartierCore
import Vapor

/// The results of a survey: themes, closed questions, demographics, cross-tables by sub-area, age group and tenure,
/// willingness to engage, coverage and response rate — each as an SVG chart with the same numbers in a table — and a
/// printable presentation for the resident assembly.
struct SurveyResultsController: RouteCollection {
    struct CoverageRow: Encodable {
        let label: String
        let addresses: Int
        let visited: Int
        let visits: Int
        let interviews: Int
        let refusals: Int
        let coverage: String
        let responseRate: String

        init(_ figures: SurveyFigures.Coverage, _ req: Request) {
            label = figures.label.isEmpty ? req.t("survey.no_sub_area") : figures.label
            addresses = figures.addresses
            visited = figures.visited
            visits = figures.visits
            interviews = figures.interviews
            refusals = figures.refusals
            coverage = SurveyResultsController.percent(figures.coverage, req)
            responseRate = SurveyResultsController.percent(figures.responseRate, req)
        }
    }

    struct FigureRow: Encodable {
        let label: String
        let count: Int
        let share: String
    }

    struct Figure: Encodable {
        let id: String
        let title: String
        let chart: String
        let rows: [FigureRow]
        let base: String
    }

    struct CrossRow: Encodable {
        let label: String
        let cells: [String]
    }

    struct Cross: Encodable {
        let id: String
        let title: String
        let columns: [String]
        let rows: [CrossRow]
        let totals: [String]
    }

    struct Quote: Encodable {
        let question: String
        let text: String
    }

    struct Summary: Encodable {
        let addresses: Int
        let visited: Int
        let visits: Int
        let interviews: Int
        let coverage: String
        let responseRate: String
    }

    struct ResultsContent: Encodable {
        let surveyTitle: String
        let surveyArea: String
        let surveyURL: String
        let summary: Summary
        let outcomes: [Figure]
        let coverage: [CoverageRow]
        let themes: [Figure]
        let crossTables: [Cross]
        let questions: [Figure]
        let demographics: [Figure]
        let quotes: [Quote]
        let presentationURL: String
        let resultsURL: String
        let invitationsURL: String
        let interviewsURL: String
    }

    /// Computed results per survey and language, reused while the survey's results version stays the same: at city
    /// scale the counts take about a second, the page from here a few milliseconds. Each instance keeps its own.
    final class Cache: @unchecked Sendable {
        private let lock = NIOLock()
        private var entries: [String: (version: Int, content: ResultsContent)] = [:]

        func content(_ survey: Survey, _ req: Request) async throws -> ResultsContent {
            let key = "\(try survey.requireID().uuidString)|\(req.language.rawValue)"
            if let hit = lock.withLock({ entries[key] }), hit.version == survey.resultsVersion { return hit.content }
            let content = try await SurveyResultsController.content(survey, req)
            lock.withLock { entries[key] = (survey.resultsVersion, content) }
            return content
        }
    }

    let cache = Cache()

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyResults(id: ":id"), use: results)
        staff.get(.surveyPresentation(id: ":id"), use: presentation)
    }

    static func percent(_ value: Double, _ req: Request) -> String {
        SurveyFigures.percentText(value, decimalComma: req.language == .de)
    }

    static func figure(id: String, title: String, rows: [SurveyFigures.Row], base: Int, req: Request) -> Figure {
        let figureRows = rows.map { FigureRow(label: $0.label, count: $0.count, share: percent($0.share, req)) }
        let bars = rows.map { BarChart.Bar(label: $0.label, value: $0.count, valueText: "\($0.count) (\(percent($0.share, req)))") }
        return Figure(id: id, title: title, chart: BarChart.dataURL(title: title, bars: bars), rows: figureRows, base: req.t("survey.results.base", String(base)))
    }

    @Sendable
    func results(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        return try await req.renderPage("surveys/results", title: req.t("survey.results.heading", survey.title), try await cache.content(survey, req))
    }

    @Sendable
    func presentation(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        return try await req.renderPage("surveys/presentation", title: req.t("survey.presentation.heading", survey.title), try await cache.content(survey, req))
    }

    static func content(_ survey: Survey, _ req: Request) async throws -> ResultsContent {
        let id = try survey.requireID()
        let key = id.uuidString
        let total = try await SurveyStatistics.interviewCount(id, on: req.db)
        let bySubArea = try await SurveyStatistics.coverage(id, by: .subArea, on: req.db)
        // Every address lies in one sub-area, so the whole sample is the sum of its sub-areas.
        let all = bySubArea.reduce(SurveyFigures.Coverage(label: "", addresses: 0, visited: 0, visits: 0, interviews: 0, refusals: 0)) {
            SurveyFigures.Coverage(label: "", addresses: $0.addresses + $1.addresses, visited: $0.visited + $1.visited, visits: $0.visits + $1.visits,
                                   interviews: $0.interviews + $1.interviews, refusals: $0.refusals + $1.refusals)
        }
        let outcomes = try await SurveyStatistics.outcomes(id, on: req.db)
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).sort(\.$position).sort(\.$name).with(\.$fieldOfAction).all()
        let themeFigures = try await SurveyStatistics.themeFigures(id, on: req.db)
        let distributions = try await SurveyStatistics.distributions(id, on: req.db)
        let guide = try await SurveyDesk.currentGuide(surveyID: id, on: req.db)
        var questions: [SurveyQuestion] = []
        if let guide { questions = try await SurveyDesk.questions(guideID: try guide.requireID(), on: req.db) }
        let closed = questions.filter { $0.kind.isClosed }
        let choiceCounts = try await SurveyStatistics.choiceCounts(id, multipleKeys: closed.filter { $0.kind == .multiple }.map(\.key), on: req.db)

        let noAnswer = req.t("survey.no_answer")
        let themeCategories = try themes.map { theme in
            (key: try theme.requireID().uuidString, label: theme.fieldOfAction.map { "\(theme.name) (\($0.name))" } ?? theme.name)
        }
        func categories(_ dimension: SurveyStatistics.Dimension) -> [(key: String, label: String)] {
            let known: [(key: String, label: String)]
            switch dimension {
            case .subArea:
                known = bySubArea.map { ($0.label, $0.label.isEmpty ? req.t("survey.no_sub_area") : $0.label) }
                return known
            case .ageGroup: known = SurveyAgeGroup.allCases.map { ($0.rawValue, req.t("survey.age.\($0.rawValue)")) }
            case .gender: known = SurveyGender.allCases.map { ($0.rawValue, req.t("survey.gender.\($0.rawValue)")) }
            case .household: known = SurveyHousehold.allCases.map { ($0.rawValue, req.t("survey.household.\($0.rawValue)")) }
            case .tenure: known = SurveyTenure.allCases.map { ($0.rawValue, req.t("survey.tenure.\($0.rawValue)")) }
            case .language: known = InterviewLanguage.allCases.map { ($0.rawValue, req.t("survey.language.\($0.rawValue)")) }
            case .isGroup: known = [("yes", req.t("survey.group.yes")), ("no", req.t("survey.group.no"))]
            case .willingness: known = SurveyScale.range.map { (String($0), req.t("survey.willingness.\($0)")) }
            }
            return known + [(key: "", label: noAnswer)]
        }

        var crossTables: [Cross] = []
        for dimension in SurveyStatistics.themeCrossDimensions {
            let counts = themeFigures.cross[dimension] ?? [:]
            let columns = categories(dimension).filter { ($0.key != "" || dimension == .subArea) || (distributions[dimension]?[""] ?? 0) > 0 }
            let table = SurveyFigures.CrossTable(rows: themeCategories, columns: columns, counts: counts, columnTotals: distributions[dimension] ?? [:])
            crossTables.append(Cross(
                id: "kreuz-\(dimension.rawValue)", title: req.t("survey.results.cross.\(dimension.rawValue)"),
                columns: columns.map(\.label),
                rows: themeCategories.map { row in
                    CrossRow(label: row.label, cells: columns.map { "\(table.count(row: row.key, column: $0.key)) (\(percent(table.share(row: row.key, column: $0.key), req)))" })
                },
                totals: columns.map { String(table.total(column: $0.key)) }))
        }

        let quotes = try await SurveyAnswer.query(on: req.db).filter(\.$survey.$id == id).filter(\.$isQuote == true).limit(40).all()
        let questionTexts: [UUID: String] = Dictionary(questions.map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first })

        return ResultsContent(
            surveyTitle: survey.title, surveyArea: survey.area, surveyURL: SiteURL.survey(id: key).path,
            summary: Summary(addresses: all.addresses, visited: all.visited, visits: all.visits, interviews: total,
                             coverage: percent(all.coverage, req), responseRate: percent(all.responseRate, req)),
            outcomes: [figure(id: "besuche", title: req.t("survey.results.outcomes"),
                             rows: SurveyFigures.frequencies(categories: VisitOutcome.allCases.map { ($0.rawValue, req.t("survey.outcome.\($0.rawValue)")) },
                                                             counts: outcomes, base: all.visits),
                             base: all.visits, req: req)],
            coverage: bySubArea.map { CoverageRow($0, req) },
            themes: [figure(id: "themen", title: req.t("survey.results.themes"),
                            rows: SurveyFigures.frequencies(categories: themeCategories, counts: themeFigures.counts, base: total, byCount: true), base: total, req: req)],
            crossTables: crossTables,
            questions: closed.enumerated().map { index, question in
                let options = question.kind == .scale ? SurveyScale.range.map(String.init) : question.optionList
                let counts = choiceCounts.choices[question.key] ?? [:]
                let answered = question.kind == .multiple ? choiceCounts.answered[question.key] ?? 0 : counts.values.reduce(0, +)
                return figure(id: "frage-\(index + 1)", title: question.text,
                              rows: SurveyFigures.frequencies(categories: options.enumerated().map { (String($0.offset + 1), $0.element) },
                                                              counts: Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), $0.value) }), base: answered),
                              base: answered, req: req)
            },
            demographics: [SurveyStatistics.Dimension.willingness, .ageGroup, .gender, .household, .tenure, .language, .isGroup].map { dimension in
                figure(id: "verteilung-\(dimension.rawValue)", title: req.t("survey.results.dimension.\(dimension.rawValue)"),
                       rows: SurveyFigures.frequencies(categories: categories(dimension), counts: distributions[dimension] ?? [:], base: total), base: total, req: req)
            },
            quotes: quotes.map { Quote(question: questionTexts[$0.questionKey] ?? "", text: $0.text) },
            presentationURL: SiteURL.surveyPresentation(id: key).path, resultsURL: SiteURL.surveyResults(id: key).path,
            invitationsURL: SiteURL.surveyInvitationsCSV(id: key).path, interviewsURL: SiteURL.surveyInterviewsCSV(id: key).path)
    }
}
