//! `serve`: a validating proxy in front of a Seedance API. Every request to
//! a path a loaded dialect declares (its `endpoint`) is judged with the same
//! engine as `check`; a rejected one is answered here, in the dialect's own
//! error shape (`error_envelope`), and the upstream receives nothing; the
//! rest is forwarded as it came, and the upstream's answer relayed as it
//! comes (streamed).
//!
//! Nothing of a request's headers or body is logged or stored: the access
//! log (JSON lines on standard error) says method, path, dialect, verdict,
//! codes, status and timings only.

mod metrics;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;

use crate::{Dialect, Options, Severity};

pub use metrics::Metrics;

/// The body of every answer: a whole body of ours, or the upstream's stream.
type Body = http_body_util::combinators::BoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// How the proxy runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The real API: requests go to this base URL + their path and query.
    pub upstream: url::Url,
    /// Forward everything, and only report (headers and metrics).
    pub dry_run: bool,
    /// Requests handled at once; more wait for a turn.
    pub max_concurrency: usize,
    /// Longest a client may take to send its request headers.
    pub header_timeout: Duration,
    /// Longest a client may take to send its body.
    pub body_timeout: Duration,
    /// Longest the judging of one request may take (media fetched under it:
    /// what is not checked by then is SRC003).
    pub judge_deadline: Duration,
    /// Longest the upstream may take to answer (its headers).
    pub upstream_timeout: Duration,
    /// Bytes allowed above the dialect's body limit before a request is
    /// refused (413) without being read whole.
    pub body_margin: u64,
    /// How long what was probed of a URL is reused across requests (zero:
    /// every request fetches its media).
    pub cache_ttl: Duration,
}

impl ServeOptions {
    /// Defaults: 64 at once, 10 s for headers, 60 s for a body, 30 s to
    /// judge, 120 s for the upstream, 1 MiB of margin, media facts reused
    /// for 10 minutes.
    pub fn new(listen: SocketAddr, upstream: url::Url) -> Self {
        ServeOptions {
            listen,
            upstream,
            dry_run: false,
            max_concurrency: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            judge_deadline: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(120),
            body_margin: 1 << 20,
            cache_ttl: Duration::from_secs(600),
        }
    }
}

/// The state every connection shares.
struct Shared {
    opts: ServeOptions,
    check: Options,
    /// (method, path) → dialect.
    routes: Vec<(Method, String, Dialect)>,
    client: reqwest::Client,
    metrics: Metrics,
    permits: tokio::sync::Semaphore,
}

/// Runs the proxy until `shutdown` completes, then lets the requests in
/// flight finish. `check` is the settings every judged request is checked
/// with (configs already resolved). Returns when the listener cannot be
/// bound, or after shutdown.
pub async fn run(
    opts: ServeOptions,
    check: Options,
    shutdown: impl std::future::Future<Output = ()>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), crate::Error> {
    use crate::{Error, ErrorKind};
    let mut check = check;
    if !opts.cache_ttl.is_zero() {
        check.probe_cache = Some(Arc::new(crate::ProbeCache::new(opts.cache_ttl, 10_000)));
    }
    let routes = routes(&check);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(opts.upstream_timeout)
        .build()
        .map_err(|e| Error::new(ErrorKind::Usage, format!("HTTP client: {e}")))?;
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot listen on {}: {e}", opts.listen),
            )
        })?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
    let shared = Arc::new(Shared {
        permits: tokio::sync::Semaphore::new(opts.max_concurrency.max(1)),
        opts,
        check,
        routes,
        client,
        metrics: Metrics::default(),
    });
    ready(bound);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            conn = listener.accept() => match conn {
                Ok(c) => c,
                Err(_) => {
                    // Out of descriptors, a reset: wait a moment, go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let header_timeout = shared.opts.header_timeout;
        let shared = shared.clone();
        let service = hyper::service::service_fn(move |req| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(handle(shared, req, peer).await) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    // In-flight requests finish (bounded by their own timeouts).
    graceful.shutdown().await;
    Ok(())
}

/// Every loaded dialect's declared endpoint: `POST /path` (a full URL's
/// path counts).
fn routes(check: &Options) -> Vec<(Method, String, Dialect)> {
    let mut out = Vec::new();
    for d in check.spec().dialects() {
        let mut parts = d.endpoint.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(method) = method.parse::<Method>() else {
            continue;
        };
        let path = match url::Url::parse(target) {
            Ok(u) => u.path().to_string(),
            Err(_) => target.to_string(),
        };
        if path.starts_with('/') {
            out.push((
                method,
                path.trim_end_matches('/').to_string(),
                Dialect::new(&d.id),
            ));
        }
    }
    out
}

/// One answer, and what the access log and metrics record of it.
struct Outcome {
    dialect: Option<Dialect>,
    verdict: &'static str,
    codes: Vec<String>,
    upstream: Option<Duration>,
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (resp, outcome) = match (req.method(), req.uri().path()) {
        (&Method::GET, "/healthz") => (text(StatusCode::OK, "ok\n"), None),
        (&Method::GET, "/metrics") => (text(StatusCode::OK, &shared.metrics.render()), None),
        _ => {
            let _permit = shared.permits.acquire().await;
            let (r, o) = route(&shared, req).await;
            (r, Some(o))
        }
    };
    let total = started.elapsed();
    if let Some(o) = &outcome {
        let added = total.saturating_sub(o.upstream.unwrap_or_default());
        shared.metrics.record(
            o.dialect.as_ref().map(|d| d.as_str()),
            o.verdict,
            &o.codes,
            o.upstream,
            added,
        );
        log(&method, &path, peer, resp.status(), o, total);
    }
    resp
}

/// One access-log line: what was decided, never a header or the body.
fn log(
    method: &Method,
    path: &str,
    peer: SocketAddr,
    status: StatusCode,
    o: &Outcome,
    total: Duration,
) {
    let line = serde_json::json!({
        "ts": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        "peer": peer.ip().to_string(),
        "method": method.as_str(),
        "path": path,
        "dialect": o.dialect.as_ref().map(|d| d.as_str()),
        "verdict": o.verdict,
        "codes": o.codes,
        "status": status.as_u16(),
        "ms": (total.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        "upstream_ms": o.upstream.map(|u| (u.as_secs_f64() * 1000.0 * 10.0).round() / 10.0),
    });
    eprintln!("{line}");
}
/// The body, read within the body timeout and the cap; else the answer to
/// give and the access log's verdict.
async fn read_body(
    shared: &Shared,
    body: Incoming,
    cap: u64,
) -> Result<Bytes, (Response<Body>, &'static str)> {
    let read = tokio::time::timeout(
        shared.opts.body_timeout,
        Limited::new(body, cap as usize).collect(),
    )
    .await;
    match read {
        Err(_) => Err((
            text(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time\n",
            ),
            "timeout",
        )),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err((too_large(cap), "too-large"))
        }
        Ok(Err(_)) => Err((
            text(StatusCode::BAD_REQUEST, "the request body was cut off\n"),
            "aborted",
        )),
        Ok(Ok(c)) => Ok(c.to_bytes()),
    }
}

async fn route(shared: &Shared, req: Request<Incoming>) -> (Response<Body>, Outcome) {
    let path = req.uri().path().trim_end_matches('/');
    let dialect = shared
        .routes
        .iter()
        .find(|(m, p, _)| m == req.method() && p == path)
        .map(|(_, _, d)| *d);
    let mut outcome = Outcome {
        dialect,
        verdict: "forwarded",
        codes: Vec::new(),
        upstream: None,
    };
    let cap = dialect
        .as_ref()
        .and_then(|d| shared.check.spec().get(*d).map(|s| s.body_max_bytes))
        .unwrap_or(64 << 20)
        .saturating_add(shared.opts.body_margin);
    // Refused before it is read: a declared length above the cap.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap) {
        outcome.verdict = "too-large";
        return (too_large(cap), outcome);
    }
    let (parts, body) = req.into_parts();
    let body = match read_body(shared, body, cap).await {
        Ok(b) => b,
        Err((resp, verdict)) => {
            outcome.verdict = verdict;
            return (resp, outcome);
        }
    };
    let mut added: Vec<(HeaderName, HeaderValue)> = Vec::new();
    if let Some(d) = &dialect {
        let judged = judge(shared, *d, body.clone()).await;
        let Some(report) = judged else {
            outcome.verdict = "error";
            return (
                text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the check could not run\n",
                ),
                outcome,
            );
        };
        let rr = &report.requests[0];
        outcome.codes = rr.findings.iter().map(|f| f.code.to_string()).collect();
        outcome.verdict = if rr.failed { "fail" } else { "pass" };
        let codes = |sev: &[Severity]| -> String {
            let mut c: Vec<String> = rr
                .findings
                .iter()
                .filter(|f| sev.contains(&f.severity))
                .map(|f| f.code.to_string())
                .collect();
            c.dedup();
            c.join(",")
        };
        if rr.failed && !shared.opts.dry_run {
            return (rejection(shared, d, &report), outcome);
        }
        added.push((
            HeaderName::from_static("x-seedance-preflight"),
            HeaderValue::from_static(if rr.failed { "fail" } else { "pass" }),
        ));
        let all = codes(&[Severity::Error, Severity::Warning, Severity::Info]);
        if !all.is_empty() {
            if let Ok(v) = HeaderValue::from_str(&all) {
                added.push((HeaderName::from_static("x-seedance-preflight-codes"), v));
            }
        }
    }
    let t = Instant::now();
    let resp = forward(shared, parts, body, added).await;
    outcome.upstream = Some(t.elapsed());
    (resp, outcome)
}

/// Checks a body as `dialect` off the async threads (probing blocks).
async fn judge(shared: &Shared, dialect: Dialect, body: Bytes) -> Option<crate::Report> {
    let mut opts = shared.check.clone();
    opts.dialect = Some(dialect);
    opts.deadline = Some(shared.opts.judge_deadline);
    opts.started = None;
    opts.urls_fetched = None;
    opts.progress = None;
    tokio::task::spawn_blocking(move || {
        let rr = crate::check_bytes("request.json", &body, &opts);
        crate::Report {
            assets_probed: rr.assets.len(),
            requests: vec![rr],
            loosened: Vec::new(),
        }
    })
    .await
    .ok()
}

/// A 400 in the dialect's own shape, with the whole report beside it.
fn rejection(shared: &Shared, d: &Dialect, report: &crate::Report) -> Response<Body> {
    let rr = &report.requests[0];
    let failing: Vec<&crate::Finding> = rr
        .findings
        .iter()
        .filter(|f| shared.check.fail_on.is_some_and(|g| f.severity >= g))
        .collect();
    let first = failing.first().copied().or(rr.findings.first());
    let message = failing
        .iter()
        .map(|f| {
            let at = f
                .pointer
                .as_deref()
                .filter(|p| !p.is_empty())
                .unwrap_or("/");
            let fix = f
                .help
                .as_deref()
                .map_or(String::new(), |h| format!("; fix: {h}"));
            format!("{} {} at {at}: {}{fix}", f.code, f.code.name(), f.message)
        })
        .collect::<Vec<_>>()
        .join(" | ");
    let message = format!("seedance-preflight rejected the request before it was sent: {message}");
    let param = first
        .and_then(|f| f.pointer.as_deref())
        .map(|p| p.trim_start_matches('/').replace('/', "."))
        .unwrap_or_default();
    let code = first.map(|f| f.code.to_string()).unwrap_or_default();
    let codes: Vec<String> = failing.iter().map(|f| f.code.to_string()).collect();
    let template = shared
        .check
        .spec()
        .get(*d)
        .and_then(|s| s.error_envelope.clone())
        .unwrap_or_else(|| {
            serde_json::json!({"error": {"code": "{code}", "message": "{message}", "param": "{param}", "type": "invalid_request_error"}})
        });
    let mut body = fill(template, &message, &param, &code, &codes.join(","));
    if let Some(obj) = body.as_object_mut() {
        obj.insert(
            "preflight".into(),
            serde_json::to_value(report).unwrap_or_default(),
        );
    }
    let mut resp = json(StatusCode::BAD_REQUEST, &body);
    let h = resp.headers_mut();
    h.insert(
        HeaderName::from_static("x-seedance-preflight"),
        HeaderValue::from_static("fail"),
    );
    if let Ok(v) = HeaderValue::from_str(&codes.join(",")) {
        h.insert(HeaderName::from_static("x-seedance-preflight-codes"), v);
    }
    resp
}

/// The template with its placeholders replaced.
fn fill(
    v: serde_json::Value,
    message: &str,
    param: &str,
    code: &str,
    codes: &str,
) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(match s.as_str() {
            "{message}" => message.to_string(),
            "{param}" => param.to_string(),
            "{code}" => code.to_string(),
            "{codes}" => codes.to_string(),
            _ => s,
        }),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, fill(v, message, param, code, codes)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.into_iter()
                .map(|v| fill(v, message, param, code, codes))
                .collect(),
        ),
        other => other,
    }
}

/// Headers a proxy does not pass on (RFC 9110 §7.6.1), and `Host`.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
            | "content-length"
    )
}

async fn forward(
    shared: &Shared,
    parts: http::request::Parts,
    body: Bytes,
    added: Vec<(HeaderName, HeaderValue)>,
) -> Response<Body> {
    let mut url = shared.opts.upstream.clone();
    let base = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{base}{}", parts.uri.path()));
    url.set_query(parts.uri.query());
    let mut headers = HeaderMap::new();
    for (k, v) in &parts.headers {
        if !hop_by_hop(k) {
            headers.append(k.clone(), v.clone());
        }
    }
    let sent = shared
        .client
        .request(parts.method, url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let r: http::Response<reqwest::Body> = r.into();
            let (mut p, b) = r.into_parts();
            let names: Vec<HeaderName> = p
                .headers
                .keys()
                .filter(|k| hop_by_hop(k) && k.as_str() != "content-length")
                .cloned()
                .collect();
            for n in names {
                p.headers.remove(n);
            }
            for (k, v) in added {
                p.headers.insert(k, v);
            }
            Response::from_parts(p, b.map_err(|e| Box::new(e) as _).boxed())
        }
        Err(e) => {
            let why = if e.is_timeout() {
                "the upstream did not answer in time"
            } else if e.is_connect() {
                "cannot connect to the upstream"
            } else {
                "the upstream request failed"
            };
            let status = if e.is_timeout() {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_GATEWAY
            };
            text(status, &format!("{why}\n"))
        }
    }
}

fn too_large(cap: u64) -> Response<Body> {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the request body is above {cap} bytes (the dialect's body limit and a margin)\n"),
    )
}

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

fn text(status: StatusCode, s: &str) -> Response<Body> {
    let mut r = Response::new(full(s.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn json(status: StatusCode, v: &serde_json::Value) -> Response<Body> {
    let mut r = Response::new(full(serde_json::to_vec(v).unwrap_or_default()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
