import Foundation
import MetaTune
import XCTest
@testable import MetaTuneReport

/// The report as a file: what it contains for each kind of study, and that nothing in a study
/// can break out of the page.
final class HTMLReportTests: XCTestCase {
    private func trial(_ number: Int, value: Double?, state: TrialState = .complete, params: [String: ParamValue],
                       distributions: [String: Distribution], curve: [Int: Double] = [:], system: [String: JSONValue] = [:],
                       user: [String: JSONValue] = [:], reason: String? = nil) -> FrozenTrial {
        let start = Date(timeIntervalSince1970: 1_000 + Double(number))
        return FrozenTrial(id: number, number: number, state: state, value: value, params: params, distributions: distributions,
                           intermediateValues: curve, userAttributes: user, systemAttributes: system, startedAt: start,
                           completedAt: start.addingTimeInterval(0.5), failReason: reason,
                           owner: TrialOwner(host: "h", pid: 1, processStart: 0))
    }

    private func plotIDs(_ study: StudySnapshot) -> [String] { StudyPlots.make(study).plots.map(\.id) }

    func testAPlainStudyHasTheGeneralPlotsAndNoSchedulerOrMetaLearningOnes() throws {
        let study = try ReportBenchmark.study(trials: 300, parameters: 4, steps: 10)
        XCTAssertEqual(plotIDs(study), ["history", "intermediate", "importance", "parallel", "slice", "contour", "rank", "edf", "timeline"])
        let html = HTMLReport.render(study)
        for id in ["history", "intermediate", "importance", "parallel", "slice", "contour", "rank", "edf", "timeline"] {
            XCTAssertTrue(html.contains("<section id=\"plot-\(id)\""), id)
        }
        XCTAssertTrue(html.contains("Contour: x1 × x2"), "the contour shows the two most important parameters")
        XCTAssertTrue(html.contains("most important</td><td>x1"))
        XCTAssertTrue(html.contains("id=\"trial-data\""))
    }

    func testTheReportIsSelfContained() throws {
        let html = HTMLReport.render(try ReportBenchmark.study(trials: 100, parameters: 3, steps: 5))
        XCTAssertFalse(html.contains(" src="), "no external script or image")
        XCTAssertFalse(html.contains(" href="), "no stylesheet or link")
        XCTAssertFalse(html.contains("url("), "no CSS fetch")
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        XCTAssertTrue(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") || $0.hasPrefix("-equiv") }, "\(urls)")
    }

    func testNamesAndReasonsFromAStudyCannotInjectMarkup() throws {
        let evil = "<script>alert(1)</script>"
        let choice = Distribution.categorical(try CategoricalDistribution(choices: [.string("a\"b"), .string(evil)]))
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let trials = (0..<12).map { n in
            trial(n, value: n == 11 ? nil : Double(n), state: n == 11 ? .failed : .complete,
                  params: [evil: .float(Double(n) / 12), "c": n % 2 == 0 ? .string(evil) : .string("a\"b")],
                  distributions: [evil: unit, "c": choice], system: n == 0 ? [Trial.originKey: .string("knn: " + evil)] : [:],
                  reason: n == 11 ? "</script><script>alert(2)</script>" : nil)
        }
        let study = StudySnapshot(record: StudyRecord(id: 1, name: "a&b " + evil, direction: .minimize), trials: trials)
        let html = HTMLReport.render(study)
        XCTAssertFalse(html.contains("<script>alert"), "raw markup from the study")
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2, "only the data block and the page's own script")
        XCTAssertTrue(html.contains("a&amp;b &lt;script&gt;"))
        XCTAssertTrue(html.contains("\\u003c/script>\\u003cscript>alert(2)"), "the reason is in the JSON, escaped")
    }

    func testOriginsOfTrialsAreShownOnTheHistory() throws {
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let trials = (0..<10).map { n in
            trial(n, value: Double(10 - n), params: ["x": .float(Double(n) / 10)], distributions: ["x": unit],
                  system: n < 3 ? [Trial.originKey: .string("knn: #\(n + 1) of similar task wine")] : n == 3 ? ["fixed_params": .object([:])] : [:])
        }
        let history = try XCTUnwrap(HistoryPlot.make(StudySnapshot(record: StudyRecord(id: 1, name: "o", direction: .minimize), trials: trials)))
        XCTAssertTrue(history.svg.contains(">meta: knn</text>"))
        XCTAssertTrue(history.svg.contains(">enqueued</text>"))
        XCTAssertTrue(history.svg.contains(">sampler</text>"))
        XCTAssertTrue(history.svg.contains("knn: #1 of similar task wine"), "hover gives the recorded detail")
    }

    func testLargeStudiesAreThinnedAndSaySo() throws {
        let study = try ReportBenchmark.study(trials: 6_000, parameters: 3, steps: 5)
        let plots = StudyPlots.make(study).plots
        let history = try XCTUnwrap(plots.first { $0.id == "history" })
        XCTAssertTrue(history.caption.contains("markers hidden under others"), history.caption)
        // At most 1,000 hover markers are elements of their own; the other dots share one path per colour.
        XCTAssertLessThanOrEqual(history.svg.components(separatedBy: "<circle").count - 1, 1_000)
        let dots = history.svg.components(separatedBy: "h0").count - 1
        XCTAssertGreaterThan(dots, 0)
        XCTAssertLessThan(dots + 1_000, study.complete.count)
        for id in ["slice", "rank", "contour"] {
            let svg = try XCTUnwrap(plots.first { $0.id == id }).svg
            XCTAssertLessThan(svg.components(separatedBy: "<circle").count, 1_000, id)
            XCTAssertTrue(svg.contains("stroke-linecap=\"round\""), id)
        }
        let parallel = try XCTUnwrap(plots.first { $0.id == "parallel" })
        XCTAssertTrue(parallel.caption.hasPrefix("2500 of \(study.complete.count) complete trials"), parallel.caption)
        let curves = try XCTUnwrap(plots.first { $0.id == "intermediate" })
        XCTAssertTrue(curves.caption.contains("The best 20 of"), curves.caption)
        XCTAssertEqual(curves.svg.components(separatedBy: "class=\"pruned\"").count - 1, 1, "pruned curves in one group the page can hide")
    }

    func testMarkersWithoutHoverTextShareOnePathPerColourAndHoverMarkersAreDrawnOnTop() {
        var markers = MarkerBatch(radius: 2, opacity: 0.5)
        markers.add(1, 2, fill: "#f00")
        markers.add(3, 4.25, fill: "#00f")
        markers.add(5, 6, fill: "#f00", title: "trial <5>")
        markers.add(7, 8, fill: "#f00")
        var canvas = SVGCanvas()
        markers.draw(on: &canvas)
        let svg = canvas.svg(label: "dots")
        XCTAssertTrue(svg.contains("<path d=\"M1 2h0M7 8h0\" fill=\"none\" stroke=\"#f00\" stroke-width=\"4\" stroke-linecap=\"round\" stroke-opacity=\"0.5\"/>"), svg)
        XCTAssertTrue(svg.contains("<path d=\"M3 4.3h0\""), svg)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 1)
        XCTAssertTrue(svg.contains("<title>trial &lt;5&gt;</title>"), svg)
        let lastPath = svg.range(of: "<path", options: .backwards)?.lowerBound
        let circle = svg.range(of: "<circle")?.lowerBound
        XCTAssertLessThan(try XCTUnwrap(lastPath), try XCTUnwrap(circle), "hover markers on top of the dots")
    }

    func testValuesSpanningDecadesGetALogAxis() throws {
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let trials = (0..<20).map { n in trial(n, value: pow(10, Double(n % 6) - 2), params: ["x": .float(Double(n) / 20)], distributions: ["x": unit]) }
        let study = StudySnapshot(record: StudyRecord(id: 1, name: "l", direction: .minimize), trials: trials)
        XCTAssertTrue(try XCTUnwrap(HistoryPlot.make(study, logScale: StudyPlots.prefersLogScale(study.complete.compactMap(\.value)))).svg.contains("value (log)"))
        var options = StudyPlots.Options()
        options.logScale = false
        XCTAssertFalse(StudyPlots.make(study, options: options).plots[0].svg.contains("value (log)"))
    }

    func testSchedulerPBTAndMetaLearningPlotsAppearWhenTheStudyRecordedThem() throws {
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let curve = { (n: Int) in Dictionary(uniqueKeysWithValues: (1...(n % 3 == 0 ? 9 : n % 3 == 1 ? 3 : 1)).map { ($0, Double($0)) }) }
        let hyperband = (0..<9).map { n in trial(n, value: Double(n), params: ["x": .float(Double(n) / 9)], distributions: ["x": unit], curve: curve(n)) }
        var record = StudyRecord(id: 1, name: "hb", direction: .minimize)
        record.systemAttributes[SchedulerSettings.studyAttributeKey] = .object(["kind": .string("hyperband"), "unit": .string("epochs"), "summary": .string("1 bracket")])
        let rungs = try XCTUnwrap(RungsPlot.make(StudySnapshot(record: record, trials: hyperband)))
        XCTAssertTrue(rungs.svg.contains("9 trials · 9 epochs"), "all reached 1 epoch")
        XCTAssertTrue(rungs.svg.contains("3 trials reached 9 epochs"))

        let pbt = (0..<3).map { n in
            trial(n, value: Double(n), params: ["x": .float(0.5)], distributions: ["x": unit],
                  user: n == 2 ? [PopulationBasedTraining.historyKey: .array([.object(["resource": .number(3), "from_trial": .number(0), "params": .object(["x": .number(0.25)])])])] : [:])
        }
        var pbtRecord = StudyRecord(id: 2, name: "pbt", direction: .minimize)
        pbtRecord.systemAttributes[SchedulerSettings.studyAttributeKey] = .object(["kind": .string("pbt"), "unit": .string("epochs"), "max_resource": .number(9)])
        let lineage = try XCTUnwrap(PBTLineagePlot.make(StudySnapshot(record: pbtRecord, trials: pbt)))
        XCTAssertTrue(lineage.svg.contains("trial 2 copied trial 0 and explored x = 0.25"))
        XCTAssertNil(RungsPlot.make(StudySnapshot(record: pbtRecord, trials: pbt)))

        var metaRecord = StudyRecord(id: 3, name: "meta", direction: .minimize)
        let summary = MetaLearningSummary(method: "auto", pastTasks: 12, explanation: "meta auto: learning from 12 past tasks",
                                          similarTasks: [.init(name: "wine", distance: 0.5), .init(name: "iris", distance: 2)])
        metaRecord.systemAttributes[MetaLearningSummary.key] = summary.jsonValue
        XCTAssertEqual(MetaLearningSummary(study: metaRecord), summary)
        let similar = try XCTUnwrap(StudyPlots.make(StudySnapshot(record: metaRecord, trials: pbt)).plots.last)
        XCTAssertEqual(similar.id, "similar-tasks")
        XCTAssertTrue(similar.svg.contains("0.67") && similar.svg.contains("wine"))
        XCTAssertTrue(HTMLReport.render(StudySnapshot(record: metaRecord, trials: pbt)).contains("meta auto: learning from 12 past tasks"))
    }

    func testAnEmptyStudyStillGivesAPage() throws {
        let html = HTMLReport.render(StudySnapshot(record: StudyRecord(id: 1, name: "empty", direction: .maximize), trials: []))
        XCTAssertTrue(html.contains("<h1>Study empty</h1>"))
        XCTAssertFalse(html.contains("class=\"plot\""))
    }
}
