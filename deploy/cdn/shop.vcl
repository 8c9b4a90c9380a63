vcl 4.1;
# The CDN stand-in in front of the shop (Codex 19, docs/static-content.md): Varnish keeps exactly what the origin marks
# cacheable and nothing else. No rule here overrides the origin's Cache-Control; Varnish's built-in logic (appended
# after these subroutines) decides: max-age keeps an answer, no-cache / no-store / private / Set-Cookie do not, and a
# request with a Cookie or Authorization header is passed to the origin. @ORIGIN_HOST@ and @ORIGIN_PORT@ are filled in
# by deploy/cdn/start.sh (and by the tests, which run this very file).

backend origin {
    .host = "@ORIGIN_HOST@";
    .port = "@ORIGIN_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 10s;
}

sub vcl_deliver {
    # Says whether this answer came from the cache; the Physics drill reports the hits (the origin's own counter is
    # what the verdict trusts).
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
