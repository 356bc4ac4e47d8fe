import ArtisanCore

/// A small XML reader for WebDAV multistatus answers: elements by local name (namespace
/// prefixes dropped, as DAV:, CalDAV and CalendarServer names do not collide here), their
/// children and text, entities and CDATA decoded. Not a general XML parser: no DTD, no validation.
struct XMLElement: Sendable {
    let name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    var text = ""

    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every descendant with that local name, depth first.
    func all(_ name: String) -> [XMLElement] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
    }

    func first(_ name: String) -> XMLElement? { all(name).first }

    static func parse(_ text: String) -> XMLElement? {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        return parser.document()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func document() -> XMLElement? {
            var stack: [XMLElement] = [XMLElement(name: "#document")]
            while index < scalars.count {
                if scalars[index] == "<" {
                    if starts(with: "<?") { skip(past: "?>"); continue }
                    if starts(with: "<!--") { skip(past: "-->"); continue }
                    if starts(with: "<![CDATA[") {
                        index += 9
                        let start = index
                        skip(past: "]]>")
                        stack[stack.count - 1].text += String(String.UnicodeScalarView(scalars[start..<max(start, index - 3)]))
                        continue
                    }
                    if starts(with: "<!") { skip(past: ">"); continue }
                    if starts(with: "</") {
                        skip(past: ">")
                        guard stack.count > 1 else { return nil }
                        let closed = stack.removeLast()
                        stack[stack.count - 1].children.append(closed)
                        continue
                    }
                    index += 1
                    let tagStart = index
                    skip(past: ">")
                    var tag = String(String.UnicodeScalarView(scalars[tagStart..<(index - 1)]))
                    let selfClosing = tag.hasSuffix("/")
                    if selfClosing { tag.removeLast() }
                    let element = Self.element(from: tag)
                    if selfClosing { stack[stack.count - 1].children.append(element) } else { stack.append(element) }
                } else {
                    let start = index
                    while index < scalars.count, scalars[index] != "<" { index += 1 }
                    stack[stack.count - 1].text += Self.decode(String(String.UnicodeScalarView(scalars[start..<index])))
                }
            }
            return stack.count == 1 ? stack[0].children.first : nil
        }

        func starts(with prefix: String) -> Bool {
            let prefixScalars = Array(prefix.unicodeScalars)
            return index + prefixScalars.count <= scalars.count && Array(scalars[index..<index + prefixScalars.count]) == prefixScalars
        }

        mutating func skip(past terminator: String) {
            while index < scalars.count, !starts(with: terminator) { index += 1 }
            index = min(scalars.count, index + terminator.unicodeScalars.count)
        }

        static func element(from tag: String) -> XMLElement {
            let trimmed = tag.drop { $0.isWhitespace }
            let name = trimmed.prefix { !$0.isWhitespace }
            var element = XMLElement(name: localName(String(name)))
            var rest = trimmed.dropFirst(name.count)
            while let equals = rest.firstIndex(of: "=") {
                let key = rest[..<equals].trimmingWhitespace
                var value = rest[rest.index(after: equals)...].drop { $0.isWhitespace }
                guard let quote = value.first, quote == "\"" || quote == "'" else { break }
                value = value.dropFirst()
                let end = value.firstIndex(of: quote) ?? value.endIndex
                element.attributes[localName(String(key))] = decode(String(value[..<end]))
                rest = end < value.endIndex ? value[value.index(after: end)...] : ""
            }
            return element
        }

        static func localName(_ name: String) -> String {
            name.split(separator: ":").last.map(String.init) ?? name
        }

        static func decode(_ text: String) -> String {
            guard text.contains("&") else { return text }
            var result = ""
            var rest = Substring(text)
            while let ampersand = rest.firstIndex(of: "&") {
                result += rest[..<ampersand]
                guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
                let entity = rest[rest.index(after: ampersand)..<semicolon]
                switch entity {
                case "amp": result += "&"
                case "lt": result += "<"
                case "gt": result += ">"
                case "quot": result += "\""
                case "apos": result += "'"
                default:
                    let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                    if let number, let scalar = Unicode.Scalar(number) { result.unicodeScalars.append(scalar) } else { result += "&\(entity);" }
                }
                rest = rest[rest.index(after: semicolon)...]
            }
            return result + rest
        }
    }
}

extension Substring {
    var trimmingWhitespace: String { Validate.trimmed(self) }
}

/// Escapes text for an XML body.
func xmlEscaped(_ text: String) -> String {
    text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
}
