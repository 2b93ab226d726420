import Provenance
import XCTest
import RefineryCore

/// The decision `train` makes for a systematic (section 6.4), as the pure function it is:
/// every kind of change it can report, from store entries built here.
final class TrainingDecisionTests: XCTestCase {
    static let files = ["surrogates/HF/model.json", "surrogates/HF/surrogate.json", "surrogates/HF/closure.svg",
                        "surrogates/HF/closure.md", "surrogates/HF/closure.json"]

    func entry(id: Int64? = 7, plugin: String = "p1", version: String = "1.0", config: String = "{}", nominal: String = "n1",
               alternative: String? = nil, settings: [String: Double] = ["trees": 300], learner: String = "bpt-1.1",
               seed: UInt64 = 11, nuisances: [String] = ["nu"], terms: [[Int]] = [[0]], basePoints: [[Double]] = [[1]]) -> SurrogateEntry {
        var entry = SurrogateEntry(artifactID: 1, systematic: "HF", nuisances: nuisances, terms: terms, basePoints: basePoints,
                                   settings: settings, seed: seed, identityKey: "k", pluginSHA256: plugin, pluginName: "BTagging",
                                   pluginVersion: version, pluginPath: "lib.so", configJSON: config, nominalSHA256: nominal,
                                   learnerVersion: learner, closureFigures: [], runID: 1, alternativeSHA256: alternative)
        entry.id = id
        return entry
    }

    var present: [(path: String, state: FileState)] { Self.files.map { ($0, .present(sha256: "h-" + $0)) } }
    var recorded: [String: String] { Dictionary(uniqueKeysWithValues: Self.files.map { ($0, "h-" + $0) }) }

    func testSameIdentityWithIntactFilesIsReused() {
        let decision = TrainingDecision.decide(candidate: entry(), sameIdentity: entry(id: 7), recordedFiles: recorded, files: present, previous: nil)
        XCTAssertEqual(decision, .reuse(surrogateID: 7))
        XCTAssertEqual(DecisionText.text(decision), "reused")
        XCTAssertEqual(DecisionText.text(decision, .planned), "up to date")
    }

    func testAMissingOrModifiedFileRetrainsNamingIt() {
        var files = present
        files[2].state = .missing
        XCTAssertEqual(TrainingDecision.decide(candidate: entry(), sameIdentity: entry(), recordedFiles: recorded, files: files, previous: nil),
                       .train(.fileMissing(path: "surrogates/HF/closure.svg")))
        files = present
        files[0].state = .present(sha256: "edited")
        let modified = TrainingDecision.decide(candidate: entry(), sameIdentity: entry(), recordedFiles: recorded, files: files, previous: nil)
        XCTAssertEqual(modified, .train(.fileModified(path: "surrogates/HF/model.json")))
        XCTAssertEqual(DecisionText.text(modified), "retrained: surrogates/HF/model.json was modified")
    }

    func testNothingRecordedIsNew() {
        let decision = TrainingDecision.decide(candidate: entry(), sameIdentity: nil, recordedFiles: [:], files: [], previous: nil)
        XCTAssertEqual(decision, .train(.new))
        XCTAssertEqual(DecisionText.text(decision), "trained: new")
        XCTAssertEqual(DecisionText.text(decision, .planned), "would train: new")
    }

    /// Each input that determines a surrogate is named when it alone changed.
    func testEveryChangeKindIsNamed() {
        let previous = entry()
        let cases: [(SurrogateEntry, SurrogateChange)] = [
            (entry(plugin: "p2"), .pluginBinary), (entry(version: "2.0"), .pluginVersion),
            (entry(config: "{\"a\":1}"), .pluginConfiguration), (entry(nominal: "n2"), .nominalSample),
            (entry(alternative: "a2"), .alternativeSample), (entry(settings: ["trees": 100]), .learnerSettings),
            (entry(learner: "bpt-2.0"), .learnerVersion), (entry(seed: 12), .seed), (entry(nuisances: ["mu"]), .nuisances),
            (entry(terms: [[0], [0, 0]]), .terms), (entry(basePoints: [[2]]), .basePoints),
        ]
        XCTAssertEqual(Set(cases.map(\.1)), Set(SurrogateChange.allCases), "every change kind is covered")
        for (candidate, change) in cases {
            let decision = TrainingDecision.decide(candidate: candidate, sameIdentity: nil, recordedFiles: [:], files: [], previous: previous)
            guard case let .train(.inputsChanged(changes, _)) = decision else { return XCTFail("\(change): \(decision)") }
            XCTAssertEqual(changes, [change])
            XCTAssertTrue(DecisionText.text(decision).hasPrefix("retrained: \(change.description) changed"), DecisionText.text(decision))
        }
    }

    func testChangedSettingsAreListedWithOldAndNewValues() {
        let decision = TrainingDecision.decide(candidate: entry(settings: ["trees": 300, "bins": 64]), sameIdentity: nil, recordedFiles: [:],
                                               files: [], previous: entry(settings: ["trees": 100]))
        XCTAssertEqual(decision, .train(.inputsChanged(changes: [.learnerSettings],
                                                       settings: [SettingChange(name: "bins", from: nil, to: 64),
                                                                  SettingChange(name: "trees", from: 100, to: 300)])))
        XCTAssertEqual(DecisionText.text(decision, .planned), "would retrain: learner settings changed (bins unset → 64, trees 100 → 300)")
    }

    func testJSONCarriesTheTypedDecisionAndItsSentence() throws {
        let decision = TrainingDecision.train(.inputsChanged(changes: [.pluginConfiguration], settings: []))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(decision)) as! [String: Any]
        XCTAssertEqual(object["action"] as? String, "train")
        XCTAssertEqual(object["reason"] as? String, "inputsChanged")
        XCTAssertEqual(object["changes"] as? [String], ["plugin configuration"])
        XCTAssertEqual(object["text"] as? String, "retrained: plugin configuration changed")
    }
}
