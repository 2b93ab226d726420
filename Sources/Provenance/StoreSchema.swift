import GRDB

/// The exact set of schema objects (tables, indexes, SQLite's own bookkeeping) this build
/// writes, and the comparison of a store file against it.
///
/// The reference is not a hand-kept list: it is read from a fresh in-memory store created by
/// `ProvenanceSchema.migrator`, so it is by construction what this build writes. SQLite keeps
/// each object's CREATE statement verbatim, so an extra or altered column, a changed CHECK, an
/// index on an expression, a trigger or a view all show up as a differing or unknown object.
enum StoreSchema {
    struct Object: Hashable, Sendable, CustomStringConvertible {
        var type: String
        var name: String
        var table: String
        var sql: String?

        var description: String { "\(type) '\(name)'" }
    }

    /// The objects of a store at each schema level this build knows (after each migration, in
    /// order), by name: a store written by an earlier Refinery, or one whose migration another
    /// process is applying right now, is at an earlier level, not foreign.
    static let levels: [[String: Object]] = {
        do {
            return try ProvenanceSchema.migrationNames.map { name in
                let queue = try DatabaseQueue()
                try ProvenanceSchema.migrator.migrate(queue, upTo: name)
                return Dictionary(uniqueKeysWithValues: try queue.read(objects).map { ($0.name, $0) })
            }
        } catch {
            preconditionFailure("the store schema cannot be created in memory: \(error)")
        }
    }()

    /// The objects of a store written by this build, by name.
    static var expected: [String: Object] { levels[levels.count - 1] }

    /// The level (index into `levels`, migrations applied − 1) whose objects are exactly `found`.
    static func level(of found: [Object]) -> Int? {
        let byName = Dictionary(found.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return levels.lastIndex { $0 == byName }
    }

    /// The tables whose rows a store's content is, in an order that respects their references.
    static let dataTables = ["runs", "artifacts", "edges", "surrogates"]

    /// Every object in `db`'s main schema. Reading `sqlite_master` compiles the schema but runs
    /// none of it.
    static func objects(_ db: Database) throws -> [Object] {
        try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY name").map {
            Object(type: $0["type"], name: $0["name"], table: $0["tbl_name"], sql: $0["sql"])
        }
    }

    /// What in `found` this build does not write: unknown objects (triggers, views, other
    /// tables or indexes) and objects whose definition differs, described for a message.
    /// With `requireAll`, objects this build writes that are missing are listed too.
    static func foreign(_ found: [Object], requireAll: Bool) -> [String] {
        var problems: [String] = []
        if requireAll, level(of: found) != nil { return [] }
        for object in found {
            let references = levels.compactMap { $0[object.name] }
            guard !references.isEmpty else {
                problems.append("\(object) (not written by Refinery)")
                continue
            }
            if !references.contains(object) { problems.append("\(object) (its definition differs from the one Refinery writes)") }
        }
        if requireAll && problems.isEmpty {
            let names = Set(found.map(\.name))
            for name in expected.keys.sorted() where !names.contains(name) {
                problems.append("\(expected[name]!) (missing)")
            }
        }
        return problems
    }

    /// Refuses a store whose schema holds anything this build does not write. Used on every
    /// open, before any statement touches the store's data, so that no trigger or view from a
    /// foreign file can run on a later command either.
    static func refuseForeign(_ db: Database, path: String) throws {
        let problems = foreign(try objects(db), requireAll: false)
        if !problems.isEmpty { throw ProvenanceError.foreignSchema(path: path, objects: problems) }
    }
}
