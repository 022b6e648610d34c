/// BERT's word splitting: words are separated by whitespace, and every punctuation character
/// (ASCII symbols included) is a word of its own.
public enum BertPreTokenizer {
    /// The words of normalised text.
    public static func words(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = [], current: [Unicode.Scalar] = []
        func flush() {
            if !current.isEmpty { words.append(current) }
            current = []
        }
        for scalar in scalars {
            if scalar.properties.isWhitespace || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                flush()
            } else if isPunctuation(scalar) {
                flush()
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        flush()
        return words
    }

    /// ASCII punctuation and symbols, and every Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
