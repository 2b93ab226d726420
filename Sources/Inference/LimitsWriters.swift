import EventData
import Foundation

/// JSON, CSV and SVG renderings of a `LimitsReport`.
public enum LimitsWriters {
    public static func json(_ report: LimitsReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(report)
    }

    public static func intervalsCSV(_ report: LimitsReport) -> String {
        var s = "poi,level,other_pois,nuisances,frozen_factor,lower,upper,lower_closed,upper_closed\n"
        for i in report.intervals {
            s += "\(i.poi),\(i.level),\(i.otherPOIs),\(i.nuisances.rawValue),\(i.frozenFactor ?? ""),\(i.lower),\(i.upper),\(i.lowerClosed),\(i.upperClosed)\n"
        }
        return s
    }

    public static func contoursCSV(_ report: LimitsReport) -> String {
        var s = "poi_x,poi_y,level,nuisances,closed,index,x,y\n"
        for c in report.contours {
            for (k, p) in c.points.enumerated() { s += "\(c.pois[0]),\(c.pois[1]),\(c.level),\(c.nuisances.rawValue),\(c.closed),\(k),\(p[0]),\(p[1])\n" }
        }
        return s
    }

    public static func breakdownCSV(_ report: LimitsReport) -> String {
        var s = "poi,frozen,lower,upper,width,relative_width,impact\n"
        for r in report.breakdown { s += "\(r.poi),\(r.frozen),\(r.lower),\(r.upper),\(r.width),\(r.relativeWidth),\(r.impact)\n" }
        return s
    }

    /// Writes limits.json, intervals.csv, contours.csv, breakdown.csv and contours.svg into `folder`.
    public static func write(_ report: LimitsReport, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(json(report), to: folder.appendingPathComponent("limits.json"))
        try AtomicFile.write(Data(intervalsCSV(report).utf8), to: folder.appendingPathComponent("intervals.csv"))
        try AtomicFile.write(Data(contoursCSV(report).utf8), to: folder.appendingPathComponent("contours.csv"))
        try AtomicFile.write(Data(breakdownCSV(report).utf8), to: folder.appendingPathComponent("breakdown.csv"))
        try AtomicFile.write(Data(ContourFigure.svg(report.contours).utf8), to: folder.appendingPathComponent("contours.svg"))
    }
}
