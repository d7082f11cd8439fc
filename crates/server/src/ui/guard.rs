//! What keeps the web UI safe from other pages: sessions as opaque random ids, a CSRF token
//! per browser checked on every form sent, an Origin (or Referer) check, the `next` a sign-in
//! returns to, and the security headers of every page.
//!
//! Every browser gets a random id in the `proscribe_session` cookie (HTTP-only,
//! `SameSite=Strict`, `Secure` over TLS). Signing in starts a session under a new id; the
//! server keeps only the id's SHA-256 hash, mapped to the key's number and when it was last
//! used. A session ends after [`IDLE`] unused, at sign-out, and when its key is revoked. The
//! CSRF token of a form is a hash of the browser's id and a secret of the process, so an
//! anonymous browser (the sign-in form, forms under open reads) has one too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use proscribe_store::{key_hash, ApiKey};
use serde::Deserialize;

use super::{error_page, takes_uploads, Registry, SignedIn, MAX_UPLOAD_BYTES};
use crate::auth::Keys;
use crate::error::ApiError;
use crate::AppState;

/// The cookie that carries the browser's id.
pub(crate) const SESSION_COOKIE: &str = "proscribe_session";

/// How long a session lasts unused.
pub(crate) const IDLE: Duration = Duration::from_secs(12 * 3600);

/// Most sessions kept at once; the least recently used goes first.
const MAX_SESSIONS: usize = 10_000;

/// How far into a multipart form its CSRF token must come.
const MULTIPART_TOKEN_WITHIN: usize = 64 * 1024;

/// The form field that carries the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// The policy every page is served with: nothing inline, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

struct Session {
    key_id: i64,
    last_seen: Instant,
}

/// Signed-in sessions by the hash of their id, and the secret CSRF tokens are made with.
pub(crate) struct Sessions {
    secret: String,
    map: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    pub(crate) fn new() -> proscribe_app::Result<Sessions> {
        Ok(Sessions { secret: proscribe_app::secrets::new_secret()?, map: Mutex::default() })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a session for `key_id` and returns its new id.
    pub(crate) fn start(&self, key_id: i64) -> proscribe_app::Result<String> {
        let id = new_id()?;
        let mut map = self.lock();
        let now = Instant::now();
        map.retain(|_, s| now.duration_since(s.last_seen) < IDLE);
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map.iter().min_by_key(|(_, s)| s.last_seen).map(|(h, _)| *h) {
                map.remove(&oldest);
            }
        }
        map.insert(key_hash(&id), Session { key_id, last_seen: now });
        Ok(id)
    }

    /// The key in force of the session `id`, if it is one; a session idle too long, or
    /// whose key is no longer in force, ends here.
    pub(crate) fn key(&self, id: &str, keys: &Keys) -> Option<ApiKey> {
        let hash = key_hash(id);
        let mut map = self.lock();
        let session = map.get_mut(&hash)?;
        let key = keys.values().find(|k| k.id == session.key_id).cloned();
        if key.is_none() || session.last_seen.elapsed() >= IDLE {
            map.remove(&hash);
            return None;
        }
        session.last_seen = Instant::now();
        key
    }

    /// Ends the session `id`.
    pub(crate) fn end(&self, id: &str) {
        self.lock().remove(&key_hash(id));
    }

    /// Ends the sessions of keys no longer in force.
    pub(crate) fn retain(&self, keys: &Keys) {
        self.lock().retain(|_, s| keys.values().any(|k| k.id == s.key_id));
    }

    /// The CSRF token of the browser `id`.
    pub(crate) fn csrf(&self, id: &str) -> String {
        hex(&key_hash(&format!("csrf:{id}:{}", self.secret)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new browser or session id: 32 random bytes in hex.
fn new_id() -> proscribe_app::Result<String> {
    Ok(proscribe_app::secrets::new_secret()?.trim_start_matches("psk_").to_string())
}

/// The browser's id from its cookie, when it has the shape of one.
pub(crate) fn browser_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
        .map(str::trim)
        .filter(|id| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The browser a UI request came from: its id and whether it came over TLS.
#[derive(Debug, Clone)]
pub(crate) struct Browser {
    pub id: String,
    pub tls: bool,
}

impl Browser {
    /// The `Set-Cookie` value giving the browser `id` (none: ending it).
    pub(crate) fn cookie(&self, id: Option<&str>) -> HeaderValue {
        let secure = if self.tls { "; Secure" } else { "" };
        let (value, age) = match id {
            Some(id) => (id, IDLE.as_secs()),
            None => ("", 0),
        };
        let cookie = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={age}{secure}");
        HeaderValue::from_str(&cookie).expect("an id in hex is a header value")
    }
}

/// Whether the request came over TLS, to this service or (as it says) to a proxy before it.
fn over_tls(request: &Request) -> bool {
    request.uri().scheme_str() == Some("https")
        || request
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// The host and port of an origin or URL (`scheme://host:port/...`).
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Refuses a form sent from another origin than the request's host: by its `Origin`, or
/// without one by its `Referer`, and one with neither. The host is the one a proxy says the
/// browser used (`X-Forwarded-Host`, which a page of another site cannot set on a form), else
/// `Host`.
fn same_origin(request: &Request) -> Result<(), String> {
    let headers = request.headers();
    let host = headers
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()))
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .ok_or("the request names no host")?;
    let text = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    let (what, from) = match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(o), _) => ("origin", o),
        (None, Some(r)) => ("referring page", r),
        (None, None) => return Err("the form came with neither an Origin nor a Referer header".into()),
    };
    match authority(from) {
        Some(a) if a.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(format!("the form was sent from another site (its {what} is {from:?}, this site is {host})")),
    }
}

#[derive(Deserialize)]
struct TokenField {
    csrf: Option<String>,
}

/// The CSRF token of a form body (URL-encoded, or multipart with the token before any file).
async fn token_of(content_type: Option<&HeaderValue>, body: axum::body::Bytes) -> Option<String> {
    let mut request = Request::new(Body::from(body.clone()));
    // A form read from a GET request would be read from its query.
    *request.method_mut() = Method::POST;
    if let Some(ct) = content_type {
        request.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
    }
    let multipart = content_type.and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        // The token comes before any file: its start is enough (and within the limit of a
        // body read here).
        let start = body.slice(..body.len().min(MULTIPART_TOKEN_WITHIN));
        *request.body_mut() = Body::from(start);
        let mut form = Multipart::from_request(request, &()).await.ok()?;
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some(CSRF_FIELD) {
                return field.text().await.ok();
            }
        }
        None
    } else {
        axum::Form::<TokenField>::from_request(request, &()).await.ok()?.0.csrf
    }
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refuse(state: &AppState, status: StatusCode, code: &'static str, message: String) -> Response {
    let who = SignedIn(None, Registry::of(state), String::new());
    error_page(&who, ApiError { status, code, message })
}

/// Wraps every UI route: gives a browser without an id one, refuses a form sent from another
/// site or without the browser's CSRF token, and adds the security headers.
pub(crate) async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let tls = over_tls(&request);
    let given = browser_id(request.headers()).map(str::to_string);
    let fresh = given.is_none();
    let id = match given {
        Some(id) => id,
        None => match new_id() {
            Ok(id) => id,
            Err(e) => return ApiError::from(e).into_response(),
        },
    };
    let browser = Browser { id, tls };
    let request = if request.method() == Method::POST {
        match checked(&state, &browser, fresh, request).await {
            Ok(r) => r,
            Err(refusal) => return with_headers(*refusal),
        }
    } else {
        request
    };
    let mut request = request;
    request.extensions_mut().insert(browser.clone());
    let mut response = next.run(request).await;
    if fresh && !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().insert(header::SET_COOKIE, browser.cookie(Some(&browser.id)));
    }
    with_headers(response)
}

/// The request of a form that passed the origin and token checks, its body read again.
async fn checked(state: &AppState, browser: &Browser, fresh: bool, request: Request) -> Result<Request, Box<Response>> {
    let forbidden = |m: String| Box::new(refuse(state, StatusCode::FORBIDDEN, "forbidden", m));
    same_origin(&request).map_err(forbidden)?;
    let limit = if takes_uploads(request.uri().path()) { MAX_UPLOAD_BYTES } else { state.config.max_body_bytes };
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        Box::new(refuse(state, StatusCode::PAYLOAD_TOO_LARGE, "too_large", format!("the form is over {limit} bytes")))
    })?;
    let token = token_of(parts.headers.get(header::CONTENT_TYPE), bytes.clone()).await;
    let expected = state.ui.sessions.csrf(&browser.id);
    match token {
        _ if fresh => {
            return Err(forbidden("the form came without this site's cookie; load the page again and resend it".into()))
        }
        Some(t) if same(&t, &expected) => {}
        Some(_) => {
            return Err(forbidden("the form's security token is wrong; load the page again and resend it".into()))
        }
        None => return Err(forbidden("the form came without its security token".into())),
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Adds the security headers of every UI answer; one not cached elsewhere is not stored.
fn with_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Where a sign-in may send the browser back to: a path of this site, else `/`. A value with
/// control characters or whitespace (even percent-encoded) is refused.
pub(crate) fn safe_next(next: Option<&str>) -> Result<String, ApiError> {
    let Some(next) = next else { return Ok("/".into()) };
    let bad = |c: char| c.is_control() || c.is_whitespace();
    if next.chars().any(bad) || percent_decoded(next).chars().any(bad) {
        return Err(ApiError::bad_request(
            "invalid_next",
            "the page to return to (next) holds control characters or spaces",
        ));
    }
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if !local {
        return Ok("/".into());
    }
    // A Location header is ASCII: anything else goes percent-encoded.
    let mut out = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&super::encode(c.encode_utf8(&mut [0; 4])));
        }
    }
    Ok(out)
}

/// `text` with its `%XX` escapes decoded (bytes that are not UTF-8 replaced).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_path_of_this_site_or_refused() {
        let ok = |n: &str| safe_next(Some(n)).unwrap();
        assert_eq!(ok("/screen?name=x"), "/screen?name=x");
        assert_eq!(ok("/%2Fx"), "/%2Fx");
        for off in ["//evil.example/", "/\\evil.example", "https://evil.example/", "evil", ""] {
            assert_eq!(ok(off), "/", "{off:?}");
        }
        for bad in ["/\t/127.0.0.1:19050/pwned.html", "/a\nb", "/a\rb", "/a\0b", "/a b", "/%09/x", "/%0a", "/%00"] {
            assert_eq!(safe_next(Some(bad)).unwrap_err().status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        assert_eq!(safe_next(None).unwrap(), "/");
    }

    #[test]
    fn a_form_comes_from_the_host_the_browser_used() {
        let form = |headers: &[(&str, &str)]| {
            let mut r = Request::post("/login");
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            same_origin(&r.body(Body::empty()).unwrap())
        };
        assert!(form(&[("host", "a.test:8080"), ("origin", "http://a.test:8080")]).is_ok());
        assert!(form(&[("host", "a.test:8080"), ("referer", "http://a.test:8080/scan?x")]).is_ok());
        assert!(form(&[("host", "a.test:8080"), ("origin", "http://a.test:8081")]).is_err());
        assert!(form(&[("host", "a.test:8080"), ("origin", "null"), ("referer", "http://a.test:8080/")]).is_err());
        assert!(form(&[("host", "a.test:8080")]).is_err());
        // Behind a proxy that passes on the browser's host.
        let proxied =
            [("host", "127.0.0.1:8080"), ("x-forwarded-host", "lists.example"), ("origin", "https://lists.example")];
        assert!(form(&proxied).is_ok());
        assert!(form(&[("host", "127.0.0.1:8080"), ("origin", "https://lists.example")]).is_err());
    }

    #[test]
    fn an_origin_is_the_host_and_port_of_a_url() {
        assert_eq!(authority("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(authority("https://a.example/x?y"), Some("a.example"));
        assert_eq!(authority("null"), None);
    }
}
