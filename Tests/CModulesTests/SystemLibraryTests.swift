import CCurl
import CLibEdit
import Testing

/// The system library targets link against Debian's libraries and their shims work.
@Suite("C system libraries")
struct SystemLibraryTests {
    @Test("libcurl is linked, and the typed setopt/getinfo shims reach the variadic functions")
    func curlShims() throws {
        let version = String(cString: curl_version())
        #expect(version.hasPrefix("libcurl/"))
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(artisan_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, 1_000) == CURLE_OK)
        #expect(artisan_curl_setopt_pointer(handle, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK)
        var code = 0
        #expect(artisan_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        #expect(code == 0)
    }

    @Test("libedit's history API is linked")
    func editlineHistory() {
        using_history()
        add_history("migrate status")
        let entry = history_get(1).map { String(cString: $0.pointee.line) }
        #expect(entry == "migrate status")
        clear_history()
    }
}
