import Foundation

extension Dataset {
    /// Reads an MNIST-format (IDX) pair: an unsigned-byte image file (magic 0x00000803, dimensions
    /// n × rows × cols) and a label file (magic 0x00000801, n bytes). Pixels are scaled to [0, 1];
    /// the rows are 1 × rows × cols images.
    public static func loadIDX(images imagesPath: String, labels labelsPath: String) throws -> Dataset {
        let images = try readIDX(imagesPath, expectedType: 0x08, expectedDimensions: 3)
        let labels = try readIDX(labelsPath, expectedType: 0x08, expectedDimensions: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError("\(imagesPath) has \(images.dimensions[0]) images but \(labelsPath) has \(labels.dimensions[0]) labels")
        }
        let (rows, cols) = (images.dimensions[1], images.dimensions[2])
        let values = labels.bytes.map(Int.init)
        let classes = (values.max() ?? 0) + 1
        guard classes >= 2 else { throw DatasetError("\(labelsPath): a single class; classification needs at least two") }
        return Dataset(features: images.bytes.map { Float($0) / 255 }, labels: values, featureCount: rows * cols,
                       classCount: classes, imageShape: [1, rows, cols])
    }

    private static func readIDX(_ path: String, expectedType: UInt8, expectedDimensions: Int) throws -> (dimensions: [Int], bytes: [UInt8]) {
        let bytes = [UInt8](try contents(of: path))
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw DatasetError("\(path): not an IDX file (bad magic number)") }
        guard bytes[2] == expectedType else { throw DatasetError("\(path): IDX element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes") }
        guard Int(bytes[3]) == expectedDimensions else {
            throw DatasetError("\(path): \(bytes[3]) dimensions, expected \(expectedDimensions)")
        }
        let header = 4 + 4 * expectedDimensions
        guard bytes.count >= header else { throw DatasetError("\(path): truncated header") }
        let dimensions = (0..<expectedDimensions).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * d + $1]) }
        }
        // The product of the header's sizes can overflow (fuzz-idx found 3 × 2³² trapping).
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else { throw DatasetError("\(path): the header's sizes \(dimensions) are too large") }
            expected = product
        }
        guard bytes.count - header == expected else {
            throw DatasetError("\(path): \(bytes.count - header) data bytes, the header promises \(expected)")
        }
        return (dimensions, Array(bytes[header...]))
    }
}
