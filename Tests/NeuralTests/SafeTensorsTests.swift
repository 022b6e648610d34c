import Foundation
import XCTest
@testable import Neural

/// The safetensors reader on files written here: values of each dtype, and malformed files refused.
final class SafeTensorsTests: XCTestCase {
    /// A safetensors file of `header` JSON and `data`.
    static func file(header: String, data: [UInt8]) -> Data {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        return Data(bytes)
    }

    static func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    func testTensorsOfEachFloatTypeReadBack() throws {
        let f32 = Self.littleEndian([1.5, -2, 0.25, 8])
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]      // 1, -2
        let bf16: [UInt8] = [0xC0, 0x3F]                   // 1.5
        let header = #"{"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "#
            + #""h": {"dtype": "F16", "shape": [2], "data_offsets": [16, 20]}, "b": {"dtype": "BF16", "shape": [1], "data_offsets": [20, 22]}, "#
            + #""ids": {"dtype": "I64", "shape": [1], "data_offsets": [22, 30]}}"#
        let weights = try SafeTensorsFile(data: Self.file(header: header, data: f32 + f16 + bf16 + [UInt8](repeating: 0, count: 8)))
        XCTAssertEqual(weights.names, ["b", "h", "ids", "w"])
        XCTAssertEqual(weights.metadata["format"], "pt")
        XCTAssertEqual(try weights.floats("w").shape, [2, 2])
        XCTAssertEqual(try weights.floats("w").values, [1.5, -2, 0.25, 8])
        XCTAssertEqual(try weights.floats("h").values, [1, -2])
        XCTAssertEqual(try weights.floats("b").values, [1.5])
        XCTAssertThrowsError(try weights.floats("ids")) { XCTAssertTrue("\($0)".contains("integers"), "\($0)") }
        XCTAssertThrowsError(try weights.floats("missing")) { XCTAssertTrue("\($0)".contains("no tensor named"), "\($0)") }
    }

    func testMalformedFilesAreRefusedWithTheReason() {
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "shorter than the 8-byte header length"),
            (Self.file(header: "{}", data: []).prefix(9), "does not fit"),
            (Self.file(header: "[1, 2]", data: []), "not a JSON object"),
            (Self.file(header: #"{"w": {"dtype": "F32", "shape": [2]}}"#, data: []), "lacks a dtype, a shape or two data offsets"),
            (Self.file(header: #"{"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 1]}}"#, data: [0]), "unsupported dtype Q4"),
            (Self.file(header: #"{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#, data: [0, 0, 0, 0]), "outside the 4 data bytes"),
            (Self.file(header: #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: [UInt8](repeating: 0, count: 8)), "12 expected"),
            (Self.file(header: #"{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}"#, data: []), "negative dimension"),
            (Self.file(header: #"{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}"#, data: []), "outside"),
        ]
        for (data, words) in cases {
            XCTAssertThrowsError(try SafeTensorsFile(data: data)) { XCTAssertTrue("\($0)".contains(words), "\($0) — expected '\(words)'") }
        }
    }
}
