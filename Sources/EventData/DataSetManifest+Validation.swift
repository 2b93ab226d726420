import Foundation

extension DataSetManifest {
    /// Checks what readers rely on before they allocate anything from the manifest's numbers:
    /// a non-negative event count that is every column's first axis, shapes whose element and
    /// byte counts fit in `Int`, supported dtypes, column files that are plain names inside the
    /// data set folder, and files on disk large enough for what the manifest claims.
    ///
    /// Without this a manifest claiming 4·10⁹ events made readers allocate for that many before
    /// any file was read, and a column file named `../x.npy` was read from outside the folder.
    func validate(folder: URL, manifestPath: String) throws {
        func fail(_ reason: String) -> EventDataError { .manifest(path: manifestPath, reason: reason) }
        guard count >= 0 else { throw fail("field 'count' is \(count), expected a number of events ≥ 0") }
        var files = Set<String>()
        for column in columns {
            let label = "column '\(column.name)'"
            guard !column.file.isEmpty, !column.file.contains("/"), !column.file.contains("\\"), !column.file.hasPrefix("."),
                  !column.file.contains("\0") else {
                throw fail("\(label) names the file '\(column.file)'; column files are plain names inside the data set folder")
            }
            guard files.insert(column.file).inserted else { throw fail("\(label) reuses the file '\(column.file)'") }
            guard let dtype = NpyDType(column.dtype) else { throw fail("\(label) has the unsupported dtype '\(column.dtype)'") }
            guard column.shape.first == count else {
                throw fail("\(label) has shape \(column.shape), whose first axis should be the event count \(count)")
            }
            var bytes = dtype.itemSize
            for length in column.shape {
                guard length >= 0 else { throw fail("\(label) has negative length \(length) in shape \(column.shape)") }
                let (product, overflow) = bytes.multipliedReportingOverflow(by: length)
                guard !overflow else { throw fail("\(label) has shape \(column.shape), more bytes than fit in 64 bits") }
                bytes = product
            }
            // A missing file is reported when it is read or verified; a present one must at
            // least hold the data the manifest describes.
            let file = folder.appendingPathComponent(column.file)
            if let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value,
               size < Int64(bytes) {
                throw fail("\(label) claims \(count) events (\(bytes) bytes of \(column.dtype)), but \(file.path) has only \(size) bytes")
            }
        }
    }
}
