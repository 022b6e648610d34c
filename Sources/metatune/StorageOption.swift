import ArgumentParser
import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneSQLite

/// The `--storage URL` option shared by every command that reads or writes studies.
struct StorageOption: ParsableArguments {
    @Option(name: .long, help: "Where studies live: \(StorageURL.forms) (default sqlite:metatune.sqlite in the working directory).")
    var storage: String = "sqlite:metatune.sqlite"

    /// Opens the storage named by the URL; `readOnly` for commands that only read (they create
    /// and write nothing, and work on a file the user may only read).
    func open(readOnly: Bool = false) throws -> Storage {
        try url.open(readOnly: readOnly)
    }

    /// The storage URL, parsed.
    var url: StorageURL { get throws { try StorageURL(storage) } }
}
