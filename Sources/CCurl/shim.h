#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
// these typed wrappers are the only way the HTTP and SMTP clients reach them.
typedef size_t (*artisan_curl_write_callback)(char *data, size_t size, size_t count, void *userdata);
typedef size_t (*artisan_curl_read_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode artisan_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode artisan_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode artisan_curl_setopt_write_callback(CURL *handle, CURLoption option, artisan_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode artisan_curl_setopt_read_callback(CURL *handle, CURLoption option, artisan_curl_read_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode artisan_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
