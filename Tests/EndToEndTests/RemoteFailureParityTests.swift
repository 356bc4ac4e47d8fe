import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// The same remote failure gets the same exit status and connection state whatever the provider
/// (issue 8, §1): Google and Outlook through the binary against their fakes, each failure made by
/// the fake's own failure rules.
@Suite("remote failures mean the same for every provider, through the binary")
struct RemoteFailureParityTests {
    enum Failure: String, CaseIterable, Sendable {
        case calendarGone = "the calendar is gone (404)"
        case tokenEndpointRefuses = "the token endpoint answers 400 to the refresh"
        case unauthorizedAfterRefresh = "401 again after a refresh"
        case forbidden = "403 on the listing"
        case rateLimited = "429 on every try"
        case serverError = "500 on every try"

        var expected: (status: Int32, state: String) {
            switch self {
            case .calendarGone, .tokenEndpointRefuses, .unauthorizedAfterRefresh, .forbidden: (77, "needs_reauth")
            case .rateLimited, .serverError: (75, "error")
            }
        }

        /// The control command that makes the fake fail so, every time; `listing` is the path of its
        /// busy-time listing.
        func control(listing: String) -> [String: Any] {
            let always = 1000
            switch self {
            case .calendarGone: return ["fail": [["status": 404, "path": listing, "times": always]]]
            case .tokenEndpointRefuses: return ["expireAccessToken": true, "fail": [["status": 400, "path": "token", "times": always]]]
            case .unauthorizedAfterRefresh: return ["fail": [["status": 401, "path": listing, "times": always]]]
            case .forbidden:
                // Google's own body for a calendar the grant does not reach (not a rate limit).
                let body = #"{"error":{"code":403,"message":"Forbidden","errors":[{"reason":"forbidden"}]}}"#
                return ["fail": [["status": 403, "path": listing, "times": always, "body": body]]]
            case .rateLimited: return ["fail": [["status": 429, "retryAfter": 0, "path": listing, "times": always]]]
            case .serverError: return ["fail": [["status": 500, "path": listing, "times": always]]]
            }
        }
    }

    @Test("Google and Outlook give the same exit status and state", arguments: Failure.allCases)
    func parity(failure: Failure) throws {
        var outcomes: [String: (Int32, String)] = [:]
        for provider in ["google", "outlook"] {
            let world = try OAuthSyncWorld(google: provider == "google", graph: provider == "outlook")
            let fake = provider == "google" ? world.google! : world.graph!
            let refresh = provider == "google" ? GoogleSyncTests.refreshToken : "refresh-1"
            try world.succeed(["calendars", "connect", provider, "--refresh-token-stdin"], stdin: refresh + "\n")
            try fake.control(failure.control(listing: provider == "google" ? "/events" : "calendarView"))
            let result = try world.run(["sync", "calendars"])
            outcomes[provider] = (result.status, try world.stored(provider).state)
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("artisanctl: error:") }.count == 1, "\(provider): \(result.stderr)")
        }
        for (provider, outcome) in outcomes {
            #expect(outcome.0 == failure.expected.status && outcome.1 == failure.expected.state,
                    "\(failure.rawValue), \(provider): exit \(outcome.0), state \(outcome.1)")
        }
    }
}
