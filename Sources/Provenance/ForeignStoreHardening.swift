import Foundation
import GRDB

/// Settings that keep SQLite from running SQL that a store file carries (triggers, views,
/// schema functions) on a connection Refinery opens, applied to every connection before its
/// first statement.
///
/// A store can come from an archive, that is, from anyone: its schema is text that SQLite
/// compiles and, for triggers, runs on every matching write. Refinery's own connections only
/// ever see the schema this build writes (see `StoreSchema`), but these settings hold even if
/// something foreign slips past that check.
enum ForeignStoreHardening {
    /// `sqlite3_db_config` is variadic, which Swift cannot call; its integer-option form
    /// `(db, op, int, int*)` is called through this non-variadic type, which matches the
    /// variadic calling convention of the Linux ABIs (x86-64 and AArch64 pass the variadic
    /// integers in the same registers). Apple's arm64 ABI passes variadics on the stack, so
    /// there the PRAGMAs below are the only settings applied.
    private typealias DBConfig = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<Int32>?) -> Int32

    private static let dbConfig: DBConfig? = {
        #if os(Linux)
        // A nil handle is glibc's RTLD_DEFAULT: the libsqlite3 that GRDB linked.
        guard let symbol = dlsym(nil, "sqlite3_db_config") else { return nil }
        return unsafeBitCast(symbol, to: DBConfig.self)
        #else
        return nil
        #endif
    }()

    // From sqlite3.h.
    static let defensive: Int32 = 1010        // SQLITE_DBCONFIG_DEFENSIVE
    static let trustedSchema: Int32 = 1017    // SQLITE_DBCONFIG_TRUSTED_SCHEMA
    static let enableTrigger: Int32 = 1003    // SQLITE_DBCONFIG_ENABLE_TRIGGER
    static let enableView: Int32 = 1015       // SQLITE_DBCONFIG_ENABLE_VIEW

    /// Hardens a connection to Refinery's own store: defensive mode (no writes to the schema
    /// or to shadow tables through SQL) and an untrusted schema (no functions with side
    /// effects called from schema SQL). Triggers stay enabled for Refinery's own schema has
    /// none and `StoreSchema` refuses any other.
    static func applyToOwnStore(_ db: Database) throws {
        set(db, defensive, 1)
        set(db, trustedSchema, 0)
        try db.execute(sql: "PRAGMA trusted_schema = OFF")
    }

    /// Hardens a read-only connection to a foreign file: as for an own store, and triggers
    /// and views are disabled outright, and the connection refuses every write.
    static func applyToForeignFile(_ db: Database) throws {
        try applyToOwnStore(db)
        set(db, enableTrigger, 0)
        set(db, enableView, 0)
        try db.execute(sql: "PRAGMA query_only = ON")
    }

    /// The current value of a `sqlite3_db_config` flag, or nil where it cannot be read (for tests).
    static func value(_ db: Database, _ option: Int32) -> Int32? {
        guard let dbConfig else { return nil }
        var current: Int32 = -1
        guard dbConfig(db.sqliteConnection, option, -1, &current) == 0 /* SQLITE_OK */ else { return nil }
        return current
    }

    private static func set(_ db: Database, _ option: Int32, _ value: Int32) {
        guard let dbConfig else { return }
        var result: Int32 = 0
        _ = dbConfig(db.sqliteConnection, option, value, &result)
    }
}
