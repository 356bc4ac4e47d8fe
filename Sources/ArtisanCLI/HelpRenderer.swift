/// `--help` and `artisanctl help …`, rendered from the command tree.
struct HelpRenderer {
    let tree: CommandTree

    func render(path: [String], _ command: Command) -> String {
        var text = command.abstract + "\n"
        if !command.discussion.isEmpty { text += "\n" + command.discussion + "\n" }
        text += "\nUsage:\n  \(tree.usage(of: path, command))\n"
        if !command.subcommands.isEmpty {
            text += "\nCommands:\n" + twoColumns(command.subcommands.map { ($0.name, $0.abstract) })
        }
        if !command.arguments.isEmpty {
            text += "\nArguments:\n" + twoColumns(command.arguments.map { ($0.synopsis, $0.help) })
        }
        if !command.flags.isEmpty {
            text += "\nFlags:\n" + twoColumns(command.flags.map { ($0.synopsis, $0.help) })
        }
        text += "\nGlobal flags:\n" + twoColumns(tree.globalFlags.map { ($0.synopsis, $0.help) })
        if !command.examples.isEmpty {
            text += "\nExamples:\n" + command.examples.map { "  \(tree.commandLine(ofExample: $0))\n" }.joined()
        }
        if path.isEmpty {
            text += "\nExit status:\n" + twoColumns(ExitStatus.allCases.map { ("\($0.rawValue)", $0.meaning) })
        }
        if !command.subcommands.isEmpty {
            text += "\nRun '\(([tree.root.name, "help"] + path).joined(separator: " ")) <command>' for more about a command.\n"
        }
        return text
    }

    private func twoColumns(_ rows: [(String, String)]) -> String {
        let width = min(28, (rows.map { $0.0.count }.max() ?? 0))
        return rows.map { left, right in
            left.count > width ? "  \(left)\n  \(String(repeating: " ", count: width))  \(right)\n" : "  \(left.padding(to: width))  \(right)\n"
        }.joined()
    }
}
