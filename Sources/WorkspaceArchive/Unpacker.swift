import Foundation

/// Extracts an archive into a new directory, refusing anything unsafe or unexpected.
///
/// Members are written by this code, never by libarchive's disk writer, into the staging
/// directory `DIR/.refinery-unpack-staging` with `O_CREAT|O_EXCL|O_NOFOLLOW`, after their path
/// and type were checked and while their bytes are counted and hashed. Only when every member
/// is present and matches the manifest are the files renamed into `DIR`; on any failure the
/// staging directory (and `DIR`, if unpack created it) is removed, so a refused archive leaves
/// nothing behind and nothing is ever written outside `DIR`.
enum Unpacker {
    static func unpack(_ url: URL, into directory: URL, options: UnpackOptions) throws -> UnpackReport {
        // The manifest is read before the file system is touched: a non-archive creates nothing.
        let archive = try ManifestedArchive(url: url)
        let manifest = archive.manifest
        let limit = try options.limit(for: url)
        try checkDeclaredSize(manifest, limit: limit)

        let target = directory.standardizedFileURL.path
        let createdTarget = try prepare(target: target, force: options.force)
        let staging = target + "/" + MemberPath.stagingDirectoryName
        var succeeded = false
        defer {
            if !succeeded {
                try? FileManager.default.removeItem(atPath: staging)
                if createdTarget { rmdir(target) }
            }
        }
        if options.force, try PosixFile.kind(staging) != .none {
            try FileManager.default.removeItem(atPath: staging)
        }
        guard mkdir(staging, 0o755) == 0 else {
            throw WorkspaceArchiveError.io(path: staging, reason: "cannot create the staging directory")
        }

        let written = try extract(archive, into: staging, limit: limit)
        if let vet = options.vetStagedMember {
            for member in manifest.members { try vet(member, URL(fileURLWithPath: staging + "/" + member.path)) }
        }
        try place(manifest.members, from: staging, into: target, force: options.force)
        try FileManager.default.removeItem(atPath: staging)
        succeeded = true
        return UnpackReport(directory: target, manifest: manifest, files: manifest.members.map(\.path), totalBytes: written)
    }

    /// Refuses up front an archive whose manifest already promises more than `limit`; the
    /// count while reading still guards against a manifest that lies. (The manifest's sizes
    /// were checked not to overflow when it was decoded; the sum here stops at the limit.)
    private static func checkDeclaredSize(_ manifest: ArchiveManifest, limit: Int64) throws {
        var total: Int64 = 0
        for member in manifest.members {
            let (sum, overflow) = total.addingReportingOverflow(member.size)
            if overflow || sum > limit { throw WorkspaceArchiveError.expansionLimitExceeded(member: member.path, limit: limit) }
            total = sum
        }
    }

    /// Creates `target` or checks it is an empty directory (any directory under `force`).
    /// Returns whether it was created, so a failed unpack can remove it again.
    private static func prepare(target: String, force: Bool) throws -> Bool {
        switch try PosixFile.kind(target) {
        case .none:
            do {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            } catch {
                throw WorkspaceArchiveError.io(path: target, reason: "cannot create directory: \(error.localizedDescription)")
            }
            return true
        case .directory, .symlink:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw WorkspaceArchiveError.io(path: target, reason: "exists and is not a directory")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
            if !contents.isEmpty && !force { throw WorkspaceArchiveError.destinationNotEmpty(path: target) }
            return false
        case .file, .other:
            throw WorkspaceArchiveError.io(path: target, reason: "exists and is not a directory")
        }
    }

    /// Streams every entry into `staging`, checking it against the manifest; returns the bytes
    /// written. Throws, naming the member, at the first problem.
    ///
    /// A second thread decompresses and admits entries (path, type, manifest, limit) while
    /// this one hashes and writes the previous blocks.
    private static func extract(_ archive: ManifestedArchive, into staging: String, limit: Int64) throws -> Int64 {
        let reader = UncheckedSendable(archive.reader)
        let manifest = archive.manifest
        var directories = Set<String>()
        var current: (member: ArchiveManifest.Member, file: PosixFile, sha: StreamingSHA256, size: Int64)?
        var total: Int64 = 0
        try BlockPipeline<ArchiveManifest.Member>.run(produce: { producer in
            var checker = MemberChecker(manifest: manifest)
            var read: Int64 = 0
            while let header = try reader.value.next() {
                let member: ArchiveManifest.Member
                switch checker.admit(header) {
                case let .failure(problem):
                    throw WorkspaceArchiveError.memberRejected(member: header.displayPath, problem: problem)
                case let .success(admitted): member = admitted
                }
                try producer.begin(member)
                while true {
                    let count = try producer.send { buffer in
                        do { return try reader.value.read(into: buffer) } catch {
                            let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
                            throw WorkspaceArchiveError.memberRejected(member: member.path, problem: .unreadable(message))
                        }
                    }
                    if count == 0 { break }
                    read += Int64(count)
                    // Counted as decompressed, before the block is written: bytes past the
                    // limit never land. (The manifest check in `unpack` catches honest
                    // archives earlier; this catches lying ones.)
                    if read > limit { throw WorkspaceArchiveError.expansionLimitExceeded(member: member.path, limit: limit) }
                }
                try producer.end()
            }
            let missing = checker.unseen
            if !missing.isEmpty { throw WorkspaceArchiveError.missingMembers(missing.map(\.path)) }
        }, consume: { message in
            switch message {
            case let .begin(member):
                try makeParents(of: member.path, under: staging, known: &directories)
                let file = try PosixFile.createExclusive(staging + "/" + member.path, mode: member.executable ? 0o755 : 0o644)
                current = (member, file, StreamingSHA256(), 0)
            case let .data(bytes):
                current!.sha.update(bytes)
                current!.size += Int64(bytes.count)
                try current!.file.writeAll(bytes)
            case .end:
                let (member, _, sha, size) = current!
                current = nil
                if size != member.size {
                    throw WorkspaceArchiveError.memberRejected(member: member.path, problem: .sizeMismatch(expected: member.size, actual: size))
                }
                let digest = sha.finalize()
                if digest != member.sha256 {
                    throw WorkspaceArchiveError.memberRejected(member: member.path, problem: .hashMismatch(expected: member.sha256, actual: digest))
                }
                total += size
            }
        })
        return total
    }

    /// Creates the directories leading to `path` under `root`. Only called with validated
    /// paths, and `root` holds nothing but what this unpack created, so no component can be a
    /// symlink.
    private static func makeParents(of path: String, under root: String, known: inout Set<String>) throws {
        let components = path.split(separator: "/").dropLast()
        var relative = ""
        for component in components {
            relative += relative.isEmpty ? String(component) : "/" + component
            if known.insert(relative).inserted { try PosixFile.makeDirectory(root + "/" + relative) }
        }
    }

    /// Moves the verified files from `staging` into `target`. Every destination is checked
    /// before the first rename, so a conflict leaves `target` untouched; a parent that is a
    /// symlink is refused, since writing through it could land outside `target`.
    private static func place(_ members: [ArchiveManifest.Member], from staging: String, into target: String, force: Bool) throws {
        var checked = Set<String>()
        for member in members {
            var relative = ""
            for component in member.path.split(separator: "/").dropLast() {
                relative += relative.isEmpty ? String(component) : "/" + component
                guard checked.insert(relative).inserted else { continue }
                switch try PosixFile.kind(target + "/" + relative) {
                case .none, .directory: break
                case .symlink:
                    throw WorkspaceArchiveError.io(path: target + "/" + relative, reason: "is a symbolic link; refusing to unpack '\(member.path)' through it")
                case .file, .other:
                    throw WorkspaceArchiveError.io(path: target + "/" + relative, reason: "is not a directory, but '\(member.path)' needs it to be one")
                }
            }
            switch try PosixFile.kind(target + "/" + member.path) {
            case .none: break
            case .file, .symlink:
                // rename(2) replaces a symlink itself, never the file it points to.
                if !force { throw WorkspaceArchiveError.fileExists(path: target + "/" + member.path) }
            case .directory, .other:
                throw WorkspaceArchiveError.io(path: target + "/" + member.path, reason: "exists and is not a regular file")
            }
        }
        let paths = Set(members.map(\.path))
        var directories = Set<String>()
        for member in members {
            try makeParents(of: member.path, under: target, known: &directories)
            if isSQLiteDatabase(staging + "/" + member.path) {
                try removeStaleSidecars(of: member.path, in: target, keeping: paths)
            }
            try PosixFile.rename(staging + "/" + member.path, to: target + "/" + member.path)
        }
    }

    /// SQLite's companions of a database file: a write-ahead log and its index, or a rollback
    /// journal. SQLite applies a `-wal` it finds next to a database to that database without
    /// checking they belong together, so a stale log left by an earlier workspace would turn
    /// the unpacked store into a mixture of the two (in practice, back into the older store).
    static let sqliteSidecarSuffixes = ["-wal", "-shm", "-journal"]

    /// Whether the file starts with SQLite's 16-byte header: only databases have companions.
    private static func isSQLiteDatabase(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)) == Data("SQLite format 3\0".utf8)
    }

    /// Removes `path`'s SQLite companions from `target` before the unpacked file takes its
    /// place, unless the archive itself holds them. Only regular files and symlinks (the link
    /// itself) are removed; anything else is refused.
    private static func removeStaleSidecars(of path: String, in target: String, keeping members: Set<String>) throws {
        for suffix in sqliteSidecarSuffixes where !members.contains(path + suffix) {
            let sidecar = target + "/" + path + suffix
            switch try PosixFile.kind(sidecar) {
            case .none: continue
            case .file, .symlink:
                guard unlink(sidecar) == 0 else {
                    throw WorkspaceArchiveError.io(path: sidecar, reason: "cannot remove the stale SQLite file: \(String(cString: strerror(errno)))")
                }
            case .directory, .other:
                throw WorkspaceArchiveError.io(path: sidecar, reason: "exists and is not a regular file; '\(path)' cannot be unpacked next to it")
            }
        }
    }
}
