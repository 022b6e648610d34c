#!/usr/bin/env python3
"""Compiles the Swift code blocks of README.md and of the DocC articles against the current API.

    scripts/doc-snippets.py                   # generate the package, then build it (`make test`)
    scripts/doc-snippets.py --generate-only   # only write the package, to read what is compiled

The documents are README.md and every article of a DocC catalog (Sources/*/*.docc/*.md). Each
```swift block except a manifest (a block that starts with `// swift-tools-version`) becomes one
file of a generated package in .build-snippets/package (git-ignored, regenerated on every run):

- its `import` lines go to the top of the file; a block also sees the imports of the blocks before
  it in the same document, as a reader does;
- a block of declarations (it starts with `struct`, `final class`, `extension`, `func`, …) stays
  at file scope; any other block becomes the body of a function, `readmeSnippet3` for the third
  block of README.md, `gettingStartedSnippet2` for the second of GettingStarted.md;
- the names a block uses from earlier context without declaring them (`study`, `space`: CONTEXT
  below) come in as parameters of that function;
- `#sourceLocation` points the compiler back at the document, so an error names its own line.

examples/doc-snippets/Prelude.swift defines what the documents leave to the reader ("your code").
The package depends on MetaTune by path and on the products the blocks import; it is compiled
(`swift build --scratch-path .build-snippets/build`), never run. The Swift toolchain is $SWIFT,
else `swift`.
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRELUDE = os.path.join(ROOT, "examples", "doc-snippets", "Prelude.swift")
OUT = os.path.join(ROOT, ".build-snippets")
PACKAGE = os.path.join(OUT, "package")
SOURCES = os.path.join(PACKAGE, "Sources", "DocSnippets")
SCRATCH = os.path.join(OUT, "build")

# Names the blocks use from earlier context, with their types: a block that uses one before it
# declares it (or never declares it) takes it as a parameter.
CONTEXT = [("study", "Study"), ("space", "SearchSpace")]

# Modules that come with the toolchain rather than from MetaTune's products.
TOOLCHAIN_MODULES = {"Foundation", "FoundationEssentials", "Dispatch", "Synchronization", "XCTest", "Testing"}

FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)")
DECLARATION = re.compile(r"^(?:@\w+(?:\([^)]*\))?\s+|(?:public|internal|fileprivate|private|final)\s+)*"
                         r"(?:struct|class|enum|extension|protocol|actor|func|typealias)\b")


def documents():
    """README.md, then every DocC article, in a fixed order."""
    return [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "Sources", "*", "*.docc", "*.md")))


def swift_blocks(path):
    """(first line number of the code, lines) of every ```swift block of a Markdown file, in order."""
    blocks, current, start, indent = [], None, 0, ""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\n")
            match = FENCE.match(line)
            if current is None:
                if match and match.group(2) == "swift":
                    current, start, indent = [], number + 1, match.group(1)
            elif match and match.group(2) == "":
                blocks.append((start, current))
                current = None
            else:
                current.append(line[len(indent):] if line.startswith(indent) else line)
    if current is not None:
        sys.exit(f"{os.path.relpath(path, ROOT)}:{start - 1}: a ```swift block is never closed")
    return [(start, lines) for start, lines in blocks
            if not (lines and lines[0].lstrip().startswith("// swift-tools-version"))]


def library_products():
    """The library products of MetaTune's Package.swift: the modules a block may import from it."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as f:
        return re.findall(r'\.library\(name:\s*"([^"]+)"', f.read())


def without_strings_and_comments(lines):
    return "\n".join(re.sub(r'"(?:[^"\\]|\\.)*"|//.*', "", line) for line in lines)


def free_context_names(lines):
    """The CONTEXT names a block uses before it declares them (or without declaring them)."""
    code = without_strings_and_comments(lines)
    names = []
    for name, type_name in CONTEXT:
        # A use, not an argument label (`space: x`) or a member (`trial.study`).
        first = re.search(rf"(?<![.\w]){name}\b(?!\s*:(?!:))", code)
        if first is None:
            continue
        declared = re.search(rf"\b(?:let|var)\s+{name}\b", code)
        if declared is None or first.start() < declared.start():
            names.append((name, type_name))
    return names


def is_declaration_block(lines):
    """Whether the block's code starts with a declaration (it then stays at file scope)."""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("//") or stripped.startswith("///"):
            continue
        return DECLARATION.match(stripped) is not None
    return False


def function_prefix(path):
    """`readme` for README.md, `gettingStarted` for GettingStarted.md."""
    stem = re.sub(r"[^A-Za-z0-9]+", " ", os.path.splitext(os.path.basename(path))[0]).split()
    words = [stem[0][:1].lower() + stem[0][1:]] + [w[:1].upper() + w[1:] for w in stem[1:]]
    prefix = "".join(words)
    return "readme" if prefix.lower() == "readme" else prefix


def write_if_changed(path, text):
    """Writes only what changed, so that unchanged documents rebuild nothing."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def snippet_file(document, index, start, lines, imported):
    """The Swift file for one block; adds the block's imports to `imported`."""
    body = []
    for line in lines:
        match = IMPORT.match(line)
        if match:
            if match.group(1) not in imported:
                imported.append(match.group(1))
            body.append("")                     # keeps the document's line numbers
        else:
            body.append(line)
    relative = os.path.relpath(document, ROOT)
    text = [f"// Generated by scripts/doc-snippets.py from {relative}; do not edit.",
            *(f"import {module}" for module in imported),
            "",
            f"// {relative}, the ```swift block whose code starts at line {start}."]
    if is_declaration_block(body):
        text += [f'#sourceLocation(file: "{document}", line: {start})', *body, "#sourceLocation()", ""]
    else:
        parameters = ", ".join(f"{name}: {type_name}" for name, type_name in free_context_names(body))
        effects = "async throws" if re.search(r"\bawait\b", without_strings_and_comments(body)) else "throws"
        text += [f"func {function_prefix(document)}Snippet{index}({parameters}) {effects} {{",
                 f'#sourceLocation(file: "{document}", line: {start})', *body, "#sourceLocation()", "}", ""]
    return "\n".join(text)


def generate():
    products = library_products()
    files, all_imports, summary = {}, [], []
    for document in documents():
        imported = ["MetaTune"]                 # the parameters' types come from MetaTune
        blocks = swift_blocks(document)
        for index, (start, lines) in enumerate(blocks, start=1):
            name = f"{function_prefix(document)[:1].upper()}{function_prefix(document)[1:]}{index}.swift"
            if name in files:
                sys.exit(f"{os.path.relpath(document, ROOT)}: another document has the same name; rename one")
            files[name] = snippet_file(document, index, start, lines, imported)
        all_imports += [m for m in imported if m not in all_imports]
        if blocks:
            summary.append(f"{os.path.relpath(document, ROOT)} {len(blocks)}")
    if not files:
        sys.exit("no ```swift blocks to compile")

    with open(PRELUDE, encoding="utf-8") as f:
        files["Prelude.swift"] = f"// Copied by scripts/doc-snippets.py from {os.path.relpath(PRELUDE, ROOT)}; do not edit.\n" + f.read()

    dependencies = [m for m in all_imports if m in products]
    others = [m for m in all_imports if m not in products and m not in TOOLCHAIN_MODULES]
    if others:
        print(f"note: imports that are neither MetaTune products nor toolchain modules: {', '.join(others)}")
    manifest = "\n".join([
        "// swift-tools-version: 6.0",
        "// Generated by scripts/doc-snippets.py: the documents' Swift blocks, compiled against MetaTune.",
        "import PackageDescription",
        "",
        "let package = Package(",
        '    name: "DocSnippets",',
        "    platforms: [.macOS(.v14)],",
        f'    dependencies: [.package(name: "MetaTune", path: "{os.path.relpath(ROOT, PACKAGE)}")],',
        "    targets: [",
        '        .target(name: "DocSnippets", dependencies: [',
        *(f'            .product(name: "{m}", package: "MetaTune"),' for m in dependencies),
        "        ]),",
        "    ]",
        ")",
        ""])

    os.makedirs(SOURCES, exist_ok=True)
    for stale in set(os.listdir(SOURCES)) - set(files):
        os.remove(os.path.join(SOURCES, stale))
    for name, text in files.items():
        write_if_changed(os.path.join(SOURCES, name), text)
    write_if_changed(os.path.join(PACKAGE, "Package.swift"), manifest)
    print(f"Swift blocks: {', '.join(summary)} -> {os.path.relpath(PACKAGE, ROOT)}")


def build():
    swift = shlex.split(os.environ.get("SWIFT") or "swift")
    command = swift + ["build", "--package-path", PACKAGE, "--scratch-path", SCRATCH]
    print("$ " + " ".join(shlex.quote(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a) for a in command), flush=True)
    began = time.monotonic()
    status = subprocess.call(command, cwd=ROOT)
    if status != 0:
        sys.exit("The documents' Swift blocks do not compile: the errors above name the document and line "
                 f"(the generated code is in {os.path.relpath(SOURCES, ROOT)})")
    print(f"The documents' Swift blocks compile ({time.monotonic() - began:.0f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate-only", action="store_true", help="write the package but do not build it")
    arguments = parser.parse_args()
    generate()
    if not arguments.generate_only:
        build()


if __name__ == "__main__":
    main()
