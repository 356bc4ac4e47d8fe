import ArtisanCLI
import Foundation

/// One run of the walk: a command line with one hostile value in it.
struct HostileCase: Sendable {
    /// `services create --price=<huge>`, for failure messages.
    let label: String
    /// `CommandWalk.directory` in an argument stands for the working directory of the run.
    let arguments: [String]
    var stdin = ""
    var environment: [String: String] = [:]
    /// Files written into the working directory for the run (name → contents), removed after it.
    var files: [String: String] = [:]
}

/// Every runnable command of the tree, each value-taking flag and each argument in turn given
/// each hostile value, the rest of the command line valid; the global flags on every command
/// without a value of its own and on a few with; the environment variables and the `.env` file
/// where they are read; then every field of the catalogue document, the same way.
enum CommandWalk {
    static let directory = "{dir}"

    /// What a command needs besides the value under test, so that it gets past its lookups and
    /// the hostile value is what it meets. Interactive paths are not taken: the OAuth flows read a
    /// refresh token and the Apple one a password from stdin, against providers at 127.0.0.1:1
    /// (nothing listens there), and `db up` is given PostgreSQL programs that do not exist, so
    /// every one of them fails fast instead of waiting for a browser or starting a cluster; `serve`
    /// stops on a bad setting once its flags are checked.
    struct Setup {
        var arguments: [String: String] = [:]
        var flags: [String: String] = [:]
        var switches: [String] = []
        var stdin = ""
        var environment: [String: String] = [:]
    }

    static func setup(_ command: String, code: String, catalogue: String) -> Setup {
        switch command {
        case "artisan init": Setup(flags: ["name": "Zoé Nouvelle", "email": "zoe@example.com"])
        case "services show", "services update", "services archive", "services restore": Setup(arguments: ["service": "Coupe femme"])
        case "services delete": Setup(arguments: ["service": "Coupe femme"], switches: ["--yes"])
        case "services create": Setup(flags: ["name": "Brushing", "duration": "60", "price": "30", "deposit-rate": "20%"])
        case "hours set": Setup(arguments: ["days": "mon", "range": "09:00-18:00"])
        case "hours clear": Setup(arguments: ["days": "sun"])
        case "breaks add": Setup(arguments: ["days": "tue", "range": "10:00-10:30"])
        case "breaks remove", "timeoff remove": Setup(arguments: ["id": "0000"])
        case "timeoff add": Setup(arguments: ["date": "2027-03-02"])
        case "availability": Setup(flags: ["service": "Coupe femme"])
        case "bookings create":
            Setup(flags: ["service": "Coupe femme", "date": "2026-11-27", "time": "14:00", "name": "Marie Curie", "email": "marie@example.com"])
        case "bookings show", "bookings cancel": Setup(arguments: ["code": code])
        case "bookings reschedule": Setup(arguments: ["code": code], flags: ["date": "2026-11-28", "time": "10:00"])
        case "catalog apply": Setup(flags: ["file": catalogue], switches: ["--dry-run"])
        case "calendars connect google", "calendars connect outlook": Setup(switches: ["--refresh-token-stdin"], stdin: "refresh-token\n")
        case "calendars connect apple": Setup(flags: ["username": "lea", "url": "http://127.0.0.1:1/"], switches: ["--password-stdin"], stdin: "password\n")
        case "calendars disconnect": Setup(arguments: ["provider": "apple"], switches: ["--yes"])
        case "db up": Setup(environment: ["ARTISANCTL_PG_BINDIR": "/nonexistent"])
        case "db backup":
            Setup(arguments: ["file": "walk.backup"], switches: ["--encrypt"],
                  environment: ["BACKUP_ENCRYPTION_KEY": Data(repeating: 9, count: 32).base64EncodedString()])
        case "migrate rollback", "data purge": Setup(switches: ["--yes"])
        case "migrate make": Setup(arguments: ["name": "add_thing"])
        case "completion": Setup(arguments: ["shell": "bash"])
        // A hostile value that is still a valid address or port must not start a server that runs
        // until killed: a bad setting read after the flags stops serve with 78 once they are checked.
        case "serve": Setup(environment: ["RATE_LIMIT": "not-a-limit"])
        default: Setup()
        }
    }

    /// The global flags are read in one place for every command: they are walked on each command
    /// without a flag or argument of its own, and on a streaming one and the cron job.
    static let moreGlobalFlagCommands: Set = ["bookings list", "sync calendars"]

    /// Where each setting from the environment is read.
    static let environmentSlots = [
        "availability": ["ARTISANCTL_NOW", "ARTISANCTL_HTTP_TIMEOUT", "TZDIR", "DATABASE_URL"],
        "sync calendars": ["CALENDAR_ENCRYPTION_KEY"], "db status": ["XDG_DATA_HOME"], "db backup": ["BACKUP_ENCRYPTION_KEY"],
        "calendars connect google": ["GOOGLE_OAUTH_BASE"], "calendars connect outlook": ["MS_LOGIN_BASE"],
        "services list": ["LOG_FORMAT", "LOG_LEVEL"],
    ]

    enum Slot {
        case flag(String)
        case argument(String)
        case environment(String)
        /// The whole `.env` file of the working directory.
        case dotEnv
    }

    static func cases(code: String, catalogue: String) throws -> [HostileCase] {
        let tree = Application.tree
        var cases: [HostileCase] = []
        for (path, command) in tree.allCommands where command.run != nil {
            let name = path.joined(separator: " ")
            let setup = setup(name, code: code, catalogue: catalogue)
            var slots = command.flags.filter(\.takesValue).map { Slot.flag($0.long) } + command.arguments.map { Slot.argument($0.name) }
            if slots.isEmpty || moreGlobalFlagCommands.contains(name) { slots += tree.globalFlags.filter(\.takesValue).map { Slot.flag($0.long) } }
            slots += (environmentSlots[name] ?? []).map(Slot.environment) + (name == "services list" ? [.dotEnv] : [])
            for slot in slots {
                for (valueName, value) in HostileValues.all {
                    var flags = setup.flags, arguments = setup.arguments, environment = setup.environment, files: [String: String] = [:]
                    let where_: String
                    switch slot {
                    case .flag(let long): flags[long] = value; where_ = "--\(long)"
                    case .argument(let argument): arguments[argument] = value; where_ = argument.uppercased()
                    case .environment(let variable): environment[variable] = value; where_ = "$\(variable)"
                    case .dotEnv: files[".env"] = value; where_ = ".env"
                    }
                    let positionals = command.arguments.compactMap { arguments[$0.name] }
                    var words = path + flags.sorted { $0.key < $1.key }.map { "--\($0.key)=\($0.value)" } + setup.switches
                    if !positionals.isEmpty { words += ["--"] + positionals }
                    cases.append(HostileCase(label: "\(name) \(where_)=<\(valueName)>", arguments: words, stdin: setup.stdin,
                                             environment: environment, files: files))
                }
            }
        }
        return cases + (try documentCases(catalogue: catalogue))
    }

    /// Fields of the demo catalogue, as paths (an index for arrays; `@key` replaces the key itself).
    static let documentFields = [
        "artisan.displayName", "artisan.email", "artisan.phone", "artisan.timezone", "artisan.plan", "artisan.slotMinutes",
        "artisan.minNoticeMinutes", "artisan.horizonDays", "artisan.cancellationDeadlineHours", "services.0.name", "services.0.description",
        "services.0.durationMinutes", "services.0.price", "services.0.depositRate", "services.1.bufferAfterMinutes", "hours.tue", "hours.@tue",
        "breaks.0.day", "breaks.0.hours", "timeOff.0.from", "timeOff.0.to", "timeOff.0.reason",
    ]

    /// `catalog apply --dry-run` of the demo catalogue with one field replaced by each hostile value
    /// as a JSON string, and by each number-like one as a bare JSON number too.
    static func documentCases(catalogue: String) throws -> [HostileCase] {
        let demo = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: catalogue)))
        let placeholder = "@@HOSTILE@@"
        var cases: [HostileCase] = []
        for field in documentFields {
            let path = field.split(separator: ".").map(String.init)
            let template = String(decoding: try JSONSerialization.data(withJSONObject: replacing(demo, at: path[...], with: placeholder)), as: UTF8.self)
            let quoted = HostileValues.all.map { ($0.name, template.replacingOccurrences(of: placeholder, with: jsonEscaped($0.value))) }
            let bare = HostileValues.jsonNumbers.map { ("bare \($0)", template.replacingOccurrences(of: "\"\(placeholder)\"", with: $0)) }
            for (name, document) in quoted + (path.last?.hasPrefix("@") == true ? [] : bare) {
                cases.append(HostileCase(label: "catalog apply: \(field)=<\(name)>", arguments: ["catalog", "apply", "-f", "\(directory)/catalogue.json", "--dry-run"],
                                         files: ["catalogue.json": document]))
            }
        }
        return cases
    }

    /// `json` with the value at `path` set to `value` (or, for `@key`, that key renamed to `value`).
    static func replacing(_ json: Any, at path: ArraySlice<String>, with value: String) -> Any {
        guard let head = path.first else { return value }
        if var object = json as? [String: Any] {
            if head.hasPrefix("@") {
                object[value] = object.removeValue(forKey: String(head.dropFirst()))
            } else {
                object[head] = replacing(object[head] ?? NSNull(), at: path.dropFirst(), with: value)
            }
            return object
        }
        if var array = json as? [Any], let index = Int(head), array.indices.contains(index) {
            array[index] = replacing(array[index], at: path.dropFirst(), with: value)
            return array
        }
        return json
    }

    /// The inside of a JSON string literal holding `text`.
    static func jsonEscaped(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst(2).dropLast(2))
    }
}
