import EventData
import Foundation
import XCTest
@testable import PluginHost

/// The one contract of reweighted data sets, held on both sides: the weights a real worker
/// writes are the plugin's weights of the nominal fiducial events, in order, and the rows
/// the trainer pairs them with come from the same function.
final class ReweightedDataContractTests: XCTestCase {
    func testFiducialRowsKeepsOrderAndWidth() {
        let values: [Double] = [0, 1, 10, 11, 20, 21, 30, 31]
        XCTAssertEqual(ReweightedDataContract.fiducialRows(values, width: 2, fiducial: [1, 0, 1, 1]), [0, 1, 20, 21, 30, 31])
        XCTAssertEqual(ReweightedDataContract.fiducialRows([5.0, 6, 7], fiducial: [0, 0, 1]), [7])
        XCTAssertEqual(ReweightedDataContract.fiducialRows([5.0, 6, 7], fiducial: [0, 0, 0]), [])
    }

    func testWorkerWritesThePluginsWeightsOfTheFiducialEventsInOrder() throws {
        let directory = try Fixture.temporaryDirectory("contract")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = directory.appendingPathComponent("libHostile.so")
        try Fixture.compile([], to: library)
        let nominalURL = try Fixture.nominal(in: directory, count: 31)
        let staging = directory.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let job = ProduceJob(systematic: "s", plugin: library.path, configJSON: "{}", nominal: nominalURL.path, alternative: nil,
                             output: staging.path, basePoints: [[-1], [1]])
        try PluginProcess(executable: Fixture.refinery).produce(job, pluginName: "Hostile") { _ in }
        let nominal = try DataSet.open(nominalURL)
        let w = try nominal.read("w", as: Double.self).values
        let fiducial = try nominal.read("fiducial", as: UInt8.self).values
        let written = try DataSet.open(staging.appendingPathComponent("nu1"))
        // The fixture's weights are w · (1 + 0.01 ν).
        XCTAssertEqual(try written.read("w", as: Double.self).values,
                       ReweightedDataContract.fiducialRows(w.map { $0 * (1.0 + 0.01 * 1.0) }, fiducial: fiducial))
        XCTAssertEqual(written.count, fiducial.filter { $0 != 0 }.count)
        XCTAssertEqual(written.manifest.attributes["observables"], .string(ReweightedDataContract.observablesAttribute))
    }
}
