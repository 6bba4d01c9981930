import Foundation
import Testing
@testable import QuartierCore

@Suite("Aktivierende Befragung: phases, outcomes, guide versions, figures and charts")
struct SurveyRulesTests {
    @Test("The eight phases run in the method's order, one step forward or back")
    func phases() {
        #expect(SurveyPhase.allCases == [.plan, .preliminary, .decision, .training, .fieldwork, .analysis, .assembly, .support])
        #expect(SurveyPhase.plan.transitions == [.preliminary])
        #expect(SurveyPhase.fieldwork.transitions == [.training, .analysis])
        #expect(SurveyPhase.support.transitions == [.assembly])
        #expect(!SurveyPhase.plan.canMove(to: .decision))
        #expect(!SurveyPhase.analysis.canMove(to: .analysis))
        #expect(SurveyPhase.assembly.number == 7)
    }

    @Test("Only an interview carries answers; a letter or an appointment means the address is visited again")
    func outcomes() {
        #expect(VisitOutcome.allCases.filter(\.hasInterview) == [.interview])
        #expect(VisitOutcome.allCases.filter { !$0.isFinal } == [.letterLeft, .appointment])
        #expect(VisitOutcome(rawValue: "letter-left") == .letterLeft)
    }

    @Test("A guide with interviews is changed only in a new version; options are one per line")
    func versioning() {
        #expect(!GuideVersioning.needsNewVersion(interviews: 0))
        #expect(GuideVersioning.needsNewVersion(interviews: 1))
        #expect(GuideVersioning.targetVersion(current: 1, interviews: 0) == 1)
        #expect(GuideVersioning.targetVersion(current: 3, interviews: 12) == 4)
        #expect(GuideVersioning.options(" nie \n\n ab und zu\r\noft ", kind: .single) == ["nie", "ab und zu", "oft"])
        #expect(GuideVersioning.options("a\nb", kind: .open).isEmpty)
        #expect(GuideVersioning.options("a\nb", kind: .scale).isEmpty)
        #expect(GuideVersioning.problems(text: " ", kind: .open, options: []) == [.emptyText])
        #expect(GuideVersioning.problems(text: "Wie oft?", kind: .multiple, options: ["nie"]) == [.tooFewOptions])
        #expect(GuideVersioning.problems(text: "Wie oft?", kind: .scale, options: []).isEmpty)
        #expect(SurveyScale.parse("5") == 5 && SurveyScale.parse("0") == nil && SurveyScale.parse("x") == nil && SurveyScale.parse(nil) == nil)
    }

    @Test("Shares are rounded to one decimal; nothing to divide by gives 0")
    func shares() {
        #expect(SurveyFigures.share(1, of: 3) == 33.3)
        #expect(SurveyFigures.share(2, of: 3) == 66.7)
        #expect(SurveyFigures.share(5, of: 8) == 62.5)
        #expect(SurveyFigures.share(3, of: 0) == 0)
        #expect(SurveyFigures.percentText(62.5, decimalComma: true) == "62,5 %")
        #expect(SurveyFigures.percentText(62.5, decimalComma: false) == "62.5 %")
    }

    @Test("Frequencies keep every category, sorted by count when asked, ties in the given order")
    func frequencies() {
        let rows = SurveyFigures.frequencies(categories: [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")], counts: ["b": 3, "c": 1, "d": 3], base: 8,
                                             byCount: true)
        #expect(rows.map(\.key) == ["b", "d", "c", "a"])
        #expect(rows.map(\.count) == [3, 3, 1, 0])
        #expect(rows.map(\.share) == [37.5, 37.5, 12.5, 0])
        let ordered = SurveyFigures.frequencies(categories: [("a", "A"), ("b", "B")], counts: ["b": 1], base: 4)
        #expect(ordered.map(\.key) == ["a", "b"])
    }

    @Test("A cross-table's cell is a share of its column's interviews")
    func crossTable() {
        let table = SurveyFigures.CrossTable(rows: [("t1", "Müll"), ("t2", "Spielplatz")], columns: [("nord", "Nord"), ("sued", "Süd")],
                                             counts: ["t1": ["nord": 3, "sued": 1], "t2": ["sued": 2]], columnTotals: ["nord": 4, "sued": 5])
        #expect(table.count(row: "t1", column: "nord") == 3)
        #expect(table.share(row: "t1", column: "nord") == 75)
        #expect(table.share(row: "t2", column: "sued") == 40)
        #expect(table.count(row: "t2", column: "nord") == 0)
        #expect(table.share(row: "t2", column: "nord") == 0)
    }

    @Test("Coverage is visited addresses of the sample; the response rate is interviews of those met at the door")
    func coverage() {
        let coverage = SurveyFigures.Coverage(label: "Musterweg", addresses: 8, visited: 6, visits: 9, interviews: 4, refusals: 1)
        #expect(coverage.coverage == 75)
        #expect(coverage.responseRate == 80)
        #expect(SurveyFigures.Coverage(label: "", addresses: 0, visited: 0, visits: 0, interviews: 0, refusals: 0).responseRate == 0)
    }

    @Test("Bars scale to the largest value; labels are escaped, so a theme cannot inject markup into the chart")
    func chart() {
        #expect(BarChart.barLength(10, maximum: 10) == BarChart.width - BarChart.labelWidth - BarChart.valueWidth)
        #expect(BarChart.barLength(5, maximum: 10) == 155)
        #expect(BarChart.barLength(0, maximum: 10) == 0)
        #expect(BarChart.barLength(1, maximum: 10_000) == 1)
        let svg = BarChart.svg(title: "Themen <b>", bars: [.init(label: "Müll & <script>", value: 2, valueText: "2 (50,0 %)"), .init(label: "Lärm", value: 1, valueText: "1")])
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("<title>Themen &lt;b&gt;</title>"))
        #expect(svg.contains("Müll &amp; &lt;script&gt;"))
        #expect(!svg.contains("<script>"))
        #expect(svg.components(separatedBy: "<rect ").count == 3)
        #expect(svg.contains("width=\"310\" height=\"22\""))
        #expect(svg.contains("width=\"155\" height=\"22\""))
        #expect(BarChart.dataURL(title: "x", bars: []).hasPrefix("data:image/svg+xml;base64,"))
    }
}
