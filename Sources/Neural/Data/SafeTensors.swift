import Foundation

/// Why a safetensors file could not be read.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A safetensors file (the weights format of Hugging Face models): an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data. Every entry is checked when the file is opened — ranges inside the data,
/// sizes matching shapes, known dtypes — so a malformed file is refused with a clear error
/// instead of being read out of bounds.
public struct SafeTensorsFile: Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    /// Entries by tensor name.
    public let entries: [String: Entry]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
    private let bytes: Data
    private let dataStart: Int

    /// Bytes per element of the dtypes read (F32, F16, BF16 as floats; I64, I32 as integers).
    static let elementSizes = ["F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "F64": 8]

    /// Opens `url` (the whole file is read into memory).
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw SafeTensorsError("cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(data: data, name: url.lastPathComponent)
    }

    /// Parses a safetensors file's bytes (`name` appears in errors).
    public init(data: Data, name: String = "model.safetensors") throws {
        func fail(_ why: String) -> SafeTensorsError { SafeTensorsError("\(name) is not a valid safetensors file: \(why)") }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength >= 2, headerLength <= UInt64(data.count - 8) else {
            throw fail("the header length \(headerLength) does not fit in the file's \(data.count) bytes")
        }
        let start = data.startIndex + 8
        let header = data[start..<(start + Int(headerLength))]
        guard let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else { throw fail("the header is not a JSON object") }
        let dataLength = data.count - 8 - Int(headerLength)
        var entries: [String: Entry] = [:], metadata: [String: String] = [:]
        for (key, value) in object {
            if key == "__metadata__" {
                for (field, text) in value as? [String: Any] ?? [:] { metadata[field] = text as? String }
                continue
            }
            guard let spec = value as? [String: Any], let dtype = spec["dtype"] as? String,
                  let shape = spec["shape"] as? [Int], let offsets = spec["data_offsets"] as? [Int], offsets.count == 2 else {
                throw fail("the entry of '\(key)' lacks a dtype, a shape or two data offsets")
            }
            guard let size = Self.elementSizes[dtype] else { throw fail("'\(key)' has the unsupported dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("'\(key)' has a negative dimension in \(shape)") }
            let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
                let (product, over) = partial.0.multipliedReportingOverflow(by: dimension)
                return (product, partial.1 || over)
            }
            guard !overflow, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw fail("'\(key)' lies outside the \(dataLength) data bytes (offsets \(offsets))")
            }
            guard offsets[1] - offsets[0] == elements * size else {
                throw fail("'\(key)' has \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype) (\(elements * size) expected)")
            }
            entries[key] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.metadata = metadata
        bytes = data
        dataStart = 8 + Int(headerLength)
    }

    /// The tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The values of a floating-point tensor as Float32, and its shape.
    public func floats(_ name: String) throws -> (shape: [Int], values: [Float]) {
        guard let entry = entries[name] else { throw SafeTensorsError("no tensor named '\(name)' in the weights") }
        guard ["F32", "F64", "F16", "BF16"].contains(entry.dtype) else {
            throw SafeTensorsError("'\(name)' holds \(entry.dtype) integers, not floating-point weights")
        }
        let count = entry.shape.reduce(1, *)
        let start = bytes.startIndex + dataStart + entry.range.lowerBound
        let raw = bytes[start..<(start + entry.range.count)]
        var values = [Float](repeating: 0, count: count)
        raw.withUnsafeBytes { source in
            values.withUnsafeMutableBufferPointer { out in
                switch entry.dtype {
                case "F32":
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                case "F64":
                    for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
                case "F16":
                    for i in 0..<count { out[i] = Self.half(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                case "BF16":
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
                default:
                    break
                }
            }
        }
        return (entry.shape, values)
    }

    /// An IEEE half-precision value as Float32.
    static func half(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31, exponent = Int((bits >> 10) & 0x1F), fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0: return (sign == 0 ? 1 : -1) * Float(fraction) * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default: return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        }
    }
}
