import ArgumentParser
import EventData
import Foundation
import RefineryCore

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarize a data set: events, sum of weights, fiducial cross-section, observables.",
        discussion: "Every column file is checked against the SHA-256 in the manifest as it is read."
    )

    @Argument(help: "A data set folder, e.g. workspaces/tt2l/samples/nominal.")
    var dataSet: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let report = try Inspection.inspect(URL(fileURLWithPath: dataSet))
            if json {
                say(String(decoding: try JSONEncoder.refinery.encode(report), as: UTF8.self))
            } else {
                say(report.text)
            }
        }
    }
}
