import ArtisanCore

/// `SMTP_URL` taken apart: `smtp://user:pass@host:port/` (STARTTLS when offered) or `smtps://…`
/// (TLS from the start). The credentials leave the URL libcurl gets and are percent-decoded; no
/// error message repeats the URL, which holds the password.
struct SMTPServerURL: Sendable, Equatable {
    let implicitTLS: Bool
    let host: String
    let port: Int
    let user: String?
    let password: String?

    /// The URL without credentials (`smtp://host:port`), for CURLOPT_URL.
    var curlURL: String { (implicitTLS ? "smtps://" : "smtp://") + (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    init(_ text: String) throws {
        func refuse(_ rule: String) -> ArtisanError {
            ArtisanError.configuration("SMTP_URL: \(rule)", hint: "write it as smtp://user:password@host:587 or smtps://user:password@host:465")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw refuse("must be printable ASCII without spaces (percent-encode the user and password)")
        }
        guard let schemeEnd = text.firstRange(of: "://") else { throw refuse("has no scheme") }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default: throw refuse("the scheme must be smtp or smtps")
        }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort: Substring
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let colon = userInfo.firstIndex(of: ":")
            user = Self.percentDecoded(userInfo[..<(colon ?? userInfo.endIndex)])
            password = colon.map { Self.percentDecoded(userInfo[userInfo.index(after: $0)...]) }
            hostPort = authority[authority.index(after: at)...]
        } else {
            user = nil
            password = nil
            hostPort = authority
        }
        let hostText: Substring, portText: Substring?
        if hostPort.first == "[" {
            guard let close = hostPort.firstIndex(of: "]") else { throw refuse("an IPv6 host is missing its ]") }
            hostText = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.first == ":" else { throw refuse("has something after the IPv6 host") }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else {
            let colon = hostPort.lastIndex(of: ":")
            hostText = hostPort[..<(colon ?? hostPort.endIndex)]
            portText = colon.map { hostPort[hostPort.index(after: $0)...] }
        }
        guard !hostText.isEmpty, hostText.allSatisfy({ $0.isLetter || $0.isNumber || "-.:".contains($0) }) else { throw refuse("has no valid host") }
        host = String(hostText)
        if let portText {
            guard let port = ASCIIDigits.value(portText.utf8), (1...65535).contains(port) else { throw refuse("the port must be 1 to 65535") }
            self.port = port
        } else {
            port = implicitTLS ? 465 : 587
        }
    }

    /// `%XX` decoded, `+` kept (a user-info is not a form); an invalid escape stays as it is.
    static func percentDecoded(_ text: Substring) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
               let high = ASCIIDigits.hexValue(input[index + 1]), let low = ASCIIDigits.hexValue(input[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
