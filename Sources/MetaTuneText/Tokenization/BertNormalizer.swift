/// The text clean-up BERT tokenizers apply before splitting words: control characters dropped,
/// every whitespace character made a space, CJK ideographs set apart by spaces, accents stripped
/// (canonical decomposition, then nonspacing marks dropped) and lower-casing — the settings of a
/// `tokenizer.json` "BertNormalizer".
public struct BertNormalizer: Sendable, Equatable {
    public var cleanText: Bool
    public var handleChineseCharacters: Bool
    /// Strip accents (nil: whenever `lowercase` is on, as the original BERT does).
    public var stripAccents: Bool?
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// The normalised text, as Unicode scalars.
    public func normalize(_ scalars: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for scalar in scalars {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) {
                    out.append(" ")
                    continue
                }
            }
            if handleChineseCharacters && Self.isChineseCharacter(scalar) {
                out += [" ", scalar, " "]
            } else {
                out.append(scalar)
            }
        }
        if stripAccents ?? lowercase {
            var text = String(String.UnicodeScalarView(out))
            text = text.decomposedStringWithCanonicalMapping
            out = text.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if lowercase {
            out = out.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
        }
        return out
    }

    /// Tab, newline and carriage return count as whitespace here, with every White_Space character.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Control, format, surrogate and private-use characters — except tab, newline and carriage
    /// return, which are whitespace. Unassigned code points stay (as Hugging Face's do: they end
    /// up as the unknown token).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility forms.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
