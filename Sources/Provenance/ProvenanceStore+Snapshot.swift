import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ProvenanceStore {
    /// Writes a consistent, compact copy of the store to `destination` (for archives), replacing
    /// any file there. Other processes may keep writing meanwhile: the copy is one read
    /// transaction's view.
    ///
    /// `VACUUM INTO` rather than copying the file: the file alone misses what is still in the
    /// WAL, and the vacuumed copy has no free pages, so equal contents give equal bytes.
    public func snapshot(to destination: URL) throws {
        let destination = destination.standardizedFileURL
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            // VACUUM cannot run inside a transaction, hence the transaction-free read.
            try pool.unsafeRead { db in
                try db.cachedExecute("VACUUM INTO ?", [temporary.path])
            }
            // rename(2) replaces the destination atomically: an archive never sees half a copy.
            guard rename(temporary.path, destination.path) == 0 else {
                throw ProvenanceError.snapshotFailed(destination: destination.path, path: url.path,
                                                     reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? ProvenanceError { throw error }
            throw ProvenanceError.snapshotFailed(destination: destination.path, path: url.path, reason: Self.reason(error))
        }
    }
}
