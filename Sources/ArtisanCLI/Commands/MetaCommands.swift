import ArtisanCore

/// `help`, `completion` and `man`: the tree describing itself.
enum MetaCommands {
    static let help = Command(
        "help", abstract: "Show help for a command",
        arguments: [Argument("command", help: "The command to describe, e.g. 'migrate status'", optional: true, variadic: true)],
        examples: ["help migrate rollback"],
        run: { invocation, context in
            var command = context.tree.root
            var path: [String] = []
            for word in invocation.arguments("command") {
                guard let next = command.subcommand(named: word) else {
                    let hint = Suggestion.closest(to: word, among: command.subcommands.map(\.name)).map { "did you mean '\($0)'?" }
                    throw ArtisanError.usage("no help for unknown command '\((path + [word]).joined(separator: " "))'", hint: hint)
                }
                command = next
                path.append(word)
            }
            context.stdout.write(HelpRenderer(tree: context.tree).render(path: path, command))
        }
    )

    static let completion = Command(
        "completion", abstract: "Print the completion script for bash, zsh or fish",
        discussion: """
            Prints a script that completes artisanctl's nouns, verbs and flags.
              bash: source <(artisanctl completion bash)
              zsh:  artisanctl completion zsh > "${fpath[1]}/_artisanctl"
              fish: artisanctl completion fish > ~/.config/fish/completions/artisanctl.fish
            """,
        arguments: [Argument("shell", help: "bash, zsh or fish", choices: CompletionRenderer.Shell.allCases.map(\.rawValue))],
        examples: ["completion bash > /etc/bash_completion.d/artisanctl"],
        run: { invocation, context in
            let shell = CompletionRenderer.Shell(rawValue: invocation.argument("shell") ?? "")!
            context.stdout.write(CompletionRenderer(tree: context.tree).render(shell))
        }
    )

    static let man = Command(
        "man", abstract: "Print the manual page (man/artisanctl.1)",
        examples: ["man | man -l -"],
        run: { _, context in
            let page = ManPageRenderer(tree: context.tree, environment: Application.environmentVariables, files: Application.files)
            context.stdout.write(page.render())
        }
    )
}
