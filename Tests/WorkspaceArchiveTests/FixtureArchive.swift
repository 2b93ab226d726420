import CArchive
import Foundation
@testable import WorkspaceArchive
import XCTest

/// Builds archives entry by entry with libarchive itself, so tests can produce exactly the
/// malicious or damaged archives `pack` never would: links, devices, duplicates, lying
/// manifests. Fixture files are named after the failure they trigger.
struct FixtureArchive {
    enum Body {
        case file(Data)
        case symlink(String)
        case hardlink(String)
        case directory
        case fifo
        case characterDevice
        case blockDevice
    }

    struct Entry {
        var path: String
        var body: Body
        init(_ path: String, _ body: Body) {
            self.path = path
            self.body = body
        }
        static func file(_ path: String, _ text: String) -> Entry { Entry(path, .file(Data(text.utf8))) }
    }

    var entries: [Entry] = []

    /// Appends the manifest entry describing `files` (path, content) as members.
    mutating func addManifest(_ files: [(String, Data)], version: Int = ArchiveManifest.currentVersion,
                              tweak: (inout ArchiveManifest) -> Void = { _ in }) throws {
        var manifest = ArchiveManifest(
            format: ArchiveManifest.format, version: version, hostVersion: "test", hostCommit: "0000000",
            identityKeys: ["workspace": "fixture"],
            members: files.map { ArchiveManifest.Member(path: $0.0, kind: "report", size: Int64($0.1.count),
                                                        sha256: sha256($0.1), executable: false) },
            omitted: [], extra: [:])
        tweak(&manifest)
        entries.append(Entry(ArchiveManifest.fileName, .file(try manifest.encoded())))
    }

    /// Writes the entries as a pax tar compressed with zstd.
    func write(to url: URL) throws {
        let archive = try XCTUnwrap(archive_write_new())
        defer { archive_write_free(archive) }
        try check(archive_write_set_format_pax_restricted(archive), archive)
        try check(archive_write_add_filter_zstd(archive), archive)
        try check(archive_write_open_filename(archive, url.path), archive)
        for item in entries {
            let entry = try XCTUnwrap(archive_entry_new())
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, item.path)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, 946_684_800, 0)
            var data = Data()
            switch item.body {
            case let .file(content):
                archive_entry_set_filetype(entry, UInt32(0o100000))
                archive_entry_set_size(entry, Int64(content.count))
                data = content
            case let .symlink(target):
                archive_entry_set_filetype(entry, UInt32(0o120000))
                archive_entry_set_symlink(entry, target)
            case let .hardlink(target):
                archive_entry_set_filetype(entry, UInt32(0o100000))
                archive_entry_set_hardlink(entry, target)
            case .directory:
                archive_entry_set_filetype(entry, UInt32(0o040000))
                archive_entry_set_perm(entry, 0o755)
            case .fifo:
                archive_entry_set_filetype(entry, UInt32(0o010000))
            case .characterDevice:
                archive_entry_set_filetype(entry, UInt32(0o020000))
                archive_entry_set_rdev(entry, dev_t(1 << 8 | 3))  // major 1, minor 3: /dev/null
            case .blockDevice:
                archive_entry_set_filetype(entry, UInt32(0o060000))
                archive_entry_set_rdev(entry, dev_t(8 << 8))  // major 8, minor 0: /dev/sda
            }
            try check(archive_write_header(archive, entry), archive)
            if !data.isEmpty {
                let written = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                XCTAssertEqual(written, data.count)
            }
        }
        try check(archive_write_close(archive), archive)
    }

    /// Copies the archive at `source` entry by entry, passing each file's content through
    /// `transform` (headers are kept): how tests tamper with one member of a packed archive.
    static func rewrite(_ source: URL, to destination: URL, transform: (String, inout Data) -> Void) throws {
        let reader = try XCTUnwrap(archive_read_new())
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_all(reader)
        try check(archive_read_open_filename(reader, source.path, 65536), reader)
        var fixture = FixtureArchive()
        var entry: OpaquePointer?
        while archive_read_next_header(reader, &entry) == ARCHIVE_OK {
            let path = String(cString: archive_entry_pathname(entry))
            var content = Data(count: Int(archive_entry_size(entry)))
            let read = content.withUnsafeMutableBytes { archive_read_data(reader, $0.baseAddress, $0.count) }
            XCTAssertEqual(read, content.count)
            transform(path, &content)
            fixture.entries.append(Entry(path, .file(content)))
        }
        try fixture.write(to: destination)
    }

    private static func check(_ status: Int32, _ archive: OpaquePointer) throws {
        if status != ARCHIVE_OK {
            throw NSError(domain: "fixture", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: String(cString: archive_error_string(archive))])
        }
    }

    private func check(_ status: Int32, _ archive: OpaquePointer) throws {
        try Self.check(status, archive)
    }
}

/// Hex SHA-256 through the module's own hasher (checked against a known answer in
/// `ManifestTests`).
func sha256(_ data: Data) -> String {
    var hash = StreamingSHA256()
    data.withUnsafeBytes { hash.update($0) }
    return hash.finalize()
}
