#!/usr/bin/env python3
"""Writes bench/text/adversarial.txt: 200 test strings for WordPiece tokenizer exactness.

Protocol: the file is UTF-8, one string per line, every line ended by "\\n" (so the last line is
followed by "\\n" too, and that final "\\n" does not start a 201st string). Readers split on "\\n"
ONLY: no string contains "\\n" or "\\r", but some do contain characters that other line splitters
treat as line breaks (U+000B, U+000C, U+001C..U+001E, U+0085), so str.splitlines(), Swift's
.newlines character set and similar must not be used. U+2028/U+2029 are left out altogether.
An empty line is the empty string (line 1).

Deterministic: no randomness; run `python3 bench/text/make_adversarial.py` to rewrite the file and
`--check` to verify that the committed file matches. Invisible and decomposed characters are written
as escapes below so that an editor cannot silently change them.
"""
import os
import sys

S = []  # (category, string)


def add(category, *strings):
    for s in strings:
        S.append((category, s))


add("empty/whitespace",
    "",
    " ",
    "\t",
    " \t \t ",
    "\u00a0",                      # no-break space only
    "\u3000\u3000",                # ideographic spaces only
    "\u2003\u2009\u200a",          # em, thin, hair space
    "\u000b\u000c",                # vertical tab, form feed (controls; not line breaks here)
    "\u200b",                      # zero-width space only
    "\ufeff",                      # BOM / zero-width no-break space only
    )

add("accents",
    "café",
    "cafe\u0301",                  # decomposed é
    "Crème Brûlée à la carte",
    "naïve résumé coöperate",
    "ÅNGSTRÖM",
    "A\u030angstro\u0308m",        # decomposed Å, ö
    "\u212b and \u212a",           # ANGSTROM SIGN, KELVIN SIGN
    "São Paulo, Zürich, Kraków, Łódź",
    "Dvořák and Janáček",
    "Việt Nam, tiếng Việt có dấu",
    "Vie\u0323\u0302t Nam",        # stacked combining marks, decomposed
    "İstanbul ISTANBUL istanbul",  # capital I with dot above
    "Straße STRASSE \u1e9e",       # sharp s, capital sharp s
    "ΟΔΟΣ ΣΊΣΥΦΟΣ σίσυφος",        # final sigma when lowercasing
    "\u01c5ungla \u01c4 \u01c6",   # titlecase / upper / lower dz digraphs
    "ﬁnancial ﬂow ﬃ",              # compatibility ligatures (NFD keeps them)
    "Ⅻ ① ② ③ ¹²³ x²+y³",
    "ＡＢＣ ｆｕｌｌｗｉｄｔｈ １２３",
    "Ёлка и йод",                  # Cyrillic letters that decompose under NFD
    "E\u0308lka i\u0306",          # the same, decomposed
    "øæœđħ ØÆŒĐĦ þð",
    )

add("cjk",
    "中文字符测试",
    "我爱北京天安门",
    "日本語のテキストです。",
    "漢字とひらがなとカタカナ",
    "がぎぐげご パピプペポ",        # kana whose voicing marks decompose under NFD
    "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ",                 # half-width katakana with separate sound marks
    "한국어 문장입니다",
    "\u1112\u1161\u11ab\u1100\u116e\u11a8",  # Hangul as conjoining jamo (decomposed 한국)
    "\U00020000\U00020001\U0002a6d6",  # CJK extension B (outside the BMP)
    "\u3400\u4db5 extension A",
    "\uf900\uf901\ufa0e",          # CJK compatibility ideographs (NFD maps two of them)
    "中a文b字c",
    "，。！？【】「」『』〔〕",
    "〇〆々〻",                    # ideographic zero / iteration marks
    "中" * 300,                    # a long run of Chinese characters
    )

add("emoji",
    "😀",
    "I ❤️ NY",
    "👨\u200d👩\u200d👧\u200d👦 family",
    "👍🏽 thumbs",
    "🇬🇧🇫🇷🇯🇵",
    "🏳️\u200d🌈 flag",
    "emoji😀inside😀words",
    "☺\ufe0e ☺\ufe0f",
    "1\ufe0f\u20e3 #\ufe0f\u20e3 *\ufe0f\u20e3",
    "😀" * 120,                    # 120 characters, 240 UTF-16 code units
    "🧑🏿\u200d💻 coder 🤷\u200d♀️",
    )

add("scripts",
    "مرحبا بالعالم",
    "مَرْحَبًا",                      # Arabic with harakat
    "السلام عليكم ١٢٣",
    "می\u200cخواهم",               # Persian with ZWNJ
    "שלום עולם",
    "שָׁלוֹם",                        # Hebrew with niqqud
    "Привет, мир!",
    "Καλημέρα κόσμε",
    "Ἀθῆναι ὁ ἄνθρωπος",            # polytonic Greek
    "नमस्ते दुनिया",
    "हिन्दी भाषा १२३",
    "สวัสดีชาวโลก",
    "Բարեւ աշխարհ",
    "გამარჯობა",
    "வணக்கம் உலகம்",
    "\u200fRLM\u200e LRM \u202eRLO\u202c",
    "latin العربية עברית mixed",
    )

add("punctuation",
    "!!!",
    "?!?!",
    "...",
    "…",
    "— – -",
    "«quoted» “curly” ‘single’ „low“",
    "(a)[b]{c}<d>",
    "@#$%^&*",
    "a.b,c;d:e",
    "¿Qué? ¡Hola!",
    "~`|\\/",
    "___init___",
    "e.g., i.e., etc.",
    "Hello,world!How are you?Fine.",
    "€100 ©2024 ° ± ™ § ¶ µ",
    "x−y × z ÷ w",                 # U+2212 minus and other math symbols (not punctuation)
    "a\u2011b\u2010c",             # non-breaking hyphen, hyphen
    "・·•‧",
    )

add("control/zero-width",
    "a\u0000b",
    "a\u0001b\u001fc",
    "a\u007fb",
    "a\u0085b",                    # NEL
    "a\u000bb\u000cc",
    "a\u001cb\u001dc\u001ed",
    "zero\u200bwidth",
    "zero\u200cnon\u200djoiner",
    "soft\u00adhyphen",
    "\ufeffBOM at start",
    "\ufffd replacement \ufffd",
    "grapheme\u034fjoiner",
    "variation\ufe0fselector",
    "tag\U000e0041\U000e007fchars",
    "private\ue000use\uf8ff",
    "\u0378 unassigned",
    "\u0080\u0090\u009f C1 controls",
    )

add("tabs",
    "a\tb",
    "\tleading tab",
    "trailing tab\t",
    "tab\t\t\tmany",
    )

long_word = "supercalifragilisticexpialidocious"
add("long words",
    "a" * 100,                     # exactly at the limit: word pieces
    "a" * 101,                     # one over: [UNK]
    (long_word * 12)[:400],
    "word " + "x" * 250 + " word",
    "é" * 100,                     # 100 characters after accent stripping
    "e\u0301" * 100,               # 200 characters before, 100 after normalization
    "é" * 101,
    "a" * 60 + "\u200b" + "a" * 41,  # 101 letters once the zero-width space is removed
    "a" * 60 + "\u00ad" + "a" * 40,  # 100 letters once the soft hyphen is removed
    "1234567890" * 15,
    "a-" * 150,
    "ab" * 50 + "中" + "cd" * 60,    # the Chinese character splits the word
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    " ".join(["the"] * 300),       # far more than 128 tokens: truncation
    )

add("numbers",
    "123",
    "3.14159 2.71828",
    "1,000,000 and 1.000.000",
    "1e10 6.02e23 0x1F 0b1010",
    "2024-01-15 12:30pm 23:59:59",
    "$1.13bn (£600m) up 76%",
    "١٢٣٤ ۴۵۶ १२३ ๑๒๓",
    "½ ¾ ⅓ 10⁹ 10₂",
    )

add("urls/emails",
    "https://www.example.com/path/to/page?query=1&x=y#frag",
    "mailto:someone@example.org",
    "john.doe+tag@mail.co.uk",
    "www.bbc.co.uk/news/business-12345678",
    "C:\\Windows\\System32\\drivers",
    "/usr/local/bin/swift --version",
    "@user #hashtag $TICKER",
    "http://例え.jp/パス",
    )

add("mixed case",
    "HeLLo WoRLD",
    "iPhone macOS eBay",
    "camelCaseIdentifier PascalCaseName",
    "NASA UNESCO BBC's",
    )

add("apostrophes/hyphens",
    "don't won't can't",
    "it’s they’re",
    "rock'n'roll o'clock",
    "well-known state-of-the-art",
    "mother-in-law's",
    "students' books",
    "Ma\u02bbi \u02bcokina",       # modifier-letter apostrophes (letters, not punctuation)
    )

add("special-token literals",
    "[CLS]",
    "[SEP]",
    "[PAD]",
    "[UNK]",
    "[MASK]",
    "[CLS] hello [SEP] world [SEP]",
    "[cls] [sep] lower case",
    "[ CLS ]",
    "text[MASK]text",
    "[MASK][MASK]",
    "[[CLS]]",
    "[UNK]nown",
    "[SEP]\t[SEP]",
    "ＣＬＳ [ＣＬＳ]",
    )

add("combining marks alone",
    "\u0301",
    "\u0301\u0302\u0303",
    " \u0301 ",
    "\u20dd",                      # enclosing circle (Me, not Mn)
    "a\u20dd",
    "\u0903",                      # Devanagari visarga (Mc)
    "\u0300a\u0300",
    )

add("unusual whitespace",
    "a\u00a0b",
    "a\u3000b",
    "a\u2002b\u2003c\u2009d\u200ae",
    "a\u1680b",
    "a\u180eb",                    # Mongolian vowel separator (format character)
    "  leading and trailing  ",
    "multiple     spaces",
    "a\u2000b\u2001c\u2004d\u2005e\u2006f\u2007g\u2008h",
    )

add("sentences",
    "The quick brown fox jumps over the lazy dog.",
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn.",
    "The firm, which is now one of the biggest investors in Google, benefited from sales.",
    "She said, \"I'll be there at 5 o'clock,\" but never arrived.",
    "Prices rose 2.5% in the year to March, the Office for National Statistics said.",
    "Manchester United beat Arsenal 2-1 at Old Trafford on Sunday.",
    "Dr. Smith met Mrs. Jones at 10 a.m. on Jan. 5th.",
    "unaffable unbelievably untokenizable",
    "This sentence ends without a full stop",
    "Short.",
    "Is this a question? Yes! It is...",
    )

add("mixed",
    "Café 中文 😀 [CLS] \t don't 123",
    "ÉCOLE\u00a0NORMALE\u3000SUPÉRIEURE",
    "e\u0301\u200b中\u0000x",
    "\u200b\u200c\u200d\ufeff",
    "🙂\u0301",                    # combining mark on an emoji
    "ﬁ\u0301",
    )


def build():
    lines = [s for _, s in S]
    assert len(lines) == 200, f"{len(lines)} strings, want 200"
    for i, s in enumerate(lines, 1):
        for bad in ("\n", "\r", "\u2028", "\u2029"):
            assert bad not in s, f"line {i} contains {bad!r}"
    return "".join(s + "\n" for s in lines).encode("utf-8")


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adversarial.txt")
    data = build()
    if sys.argv[1:] == ["--check"]:
        with open(path, "rb") as f:
            same = f.read() == data
        print("adversarial.txt is up to date" if same else "adversarial.txt differs from the generator")
        sys.exit(0 if same else 1)
    if sys.argv[1:]:
        sys.exit("usage: make_adversarial.py [--check]")
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {path}: {len(S)} strings", file=sys.stderr)


if __name__ == "__main__":
    main()
