//! What a media entry or callback URL points at, and whether the service can
//! reach it.
//!
//! The service fetches media anonymously from the public internet. An address
//! on a private, loopback, link-local, CGNAT or unique-local network is out of
//! its reach; so is anything that is not `http(s)`. This module classifies IP
//! addresses (IPv4-mapped, NAT64 and 6to4 IPv6 addresses by their embedded
//! IPv4) and the text of a media entry. The same classification guards the HTTP
//! fetcher against server-side request forgery.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

mod allow;
pub use allow::{parse_cidr, parse_host, AllowList};

/// Why an address is not publicly reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonPublic {
    /// 127.0.0.0/8, ::1
    Loopback,
    /// 10/8, 172.16/12, 192.168/16
    Private,
    /// 169.254/16, fe80::/10
    LinkLocal,
    /// 100.64/10 (carrier-grade NAT)
    Cgnat,
    /// fc00::/7
    UniqueLocal,
    /// 0.0.0.0, ::, 0/8
    Unspecified,
    /// 224/4, ff00::/8
    Multicast,
    /// Documentation, benchmarking, reserved and broadcast ranges.
    Reserved,
}

impl NonPublic {
    /// How the class is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            NonPublic::Loopback => "a loopback address",
            NonPublic::Private => "a private-network address (RFC 1918)",
            NonPublic::LinkLocal => "a link-local address",
            NonPublic::Cgnat => "a carrier-grade NAT address (100.64.0.0/10)",
            NonPublic::UniqueLocal => "a unique-local IPv6 address (fc00::/7)",
            NonPublic::Unspecified => "the unspecified address",
            NonPublic::Multicast => "a multicast address",
            NonPublic::Reserved => "a reserved or documentation-only address",
        }
    }
}

/// Classifies an IP address; `None` means publicly routable.
pub fn classify_ip(ip: IpAddr) -> Option<NonPublic> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<NonPublic> {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => Some(NonPublic::Unspecified),
        (127, _, _) => Some(NonPublic::Loopback),
        (10, _, _) | (192, 168, _) => Some(NonPublic::Private),
        (172, 16..=31, _) => Some(NonPublic::Private),
        (169, 254, _) => Some(NonPublic::LinkLocal),
        (100, 64..=127, _) => Some(NonPublic::Cgnat),
        // IETF protocol assignments, documentation, the deprecated 6to4
        // relay anycast (RFC 6890 and successors: not globally reachable).
        (192, 0, 0) | (192, 0, 2) | (192, 88, 99) | (198, 51, 100) | (203, 0, 113) => {
            Some(NonPublic::Reserved)
        }
        (198, 18..=19, _) => Some(NonPublic::Reserved),
        (224..=239, _, _) => Some(NonPublic::Multicast),
        (240..=255, _, _) => Some(NonPublic::Reserved),
        _ => None,
    }
}

fn classify_v6(ip: Ipv6Addr) -> Option<NonPublic> {
    if ip.is_unspecified() {
        return Some(NonPublic::Unspecified);
    }
    if ip.is_loopback() {
        return Some(NonPublic::Loopback);
    }
    let seg = ip.segments();
    // Forms that carry an IPv4 address are judged by the address they carry.
    if let Some(v4) = embedded_v4(ip) {
        let carried = classify_v4(v4);
        // Local-use NAT64 (RFC 8215) is not globally reachable whatever it carries.
        if seg[..3] == [0x64, 0xff9b, 1] {
            return carried.or(Some(NonPublic::Reserved));
        }
        return carried;
    }
    // Teredo (2001::/32, RFC 4380): the server's IPv4 in bits 32–63 and the
    // client's, inverted, in the last 32 bits.
    if seg[..2] == [0x2001, 0] {
        let server = Ipv4Addr::new(
            (seg[2] >> 8) as u8,
            seg[2] as u8,
            (seg[3] >> 8) as u8,
            seg[3] as u8,
        );
        let (c1, c2) = (!seg[6], !seg[7]);
        let client = Ipv4Addr::new((c1 >> 8) as u8, c1 as u8, (c2 >> 8) as u8, c2 as u8);
        return classify_v4(client).or(classify_v4(server));
    }
    match seg[0] {
        0xfe80..=0xfebf => Some(NonPublic::LinkLocal),
        0xfc00..=0xfdff => Some(NonPublic::UniqueLocal),
        0xff00..=0xffff => Some(NonPublic::Multicast),
        // Deprecated site-local fec0::/10 still routes nowhere public.
        0xfec0..=0xfeff => Some(NonPublic::UniqueLocal),
        // Documentation: 2001:db8::/32 and 3fff::/20 (RFC 9637).
        0x2001 if seg[1] == 0x0db8 => Some(NonPublic::Reserved),
        0x3fff if seg[1] <= 0x0fff => Some(NonPublic::Reserved),
        // Discard-only 100::/64 (RFC 6666).
        0x0100 if seg[1..4] == [0, 0, 0] => Some(NonPublic::Reserved),
        // Segment-routing SIDs 5f00::/16 (RFC 9602).
        0x5f00 => Some(NonPublic::Reserved),
        // IETF protocol assignments 2001::/23 are not globally reachable, but
        // for the sub-blocks the registry marks reachable (2001:1::1/128,
        // 2001:3::/32 AMT, 2001:4:112::/48 AS112, 2001:20::/28 ORCHIDv2,
        // 2001:30::/28 DRIP).
        0x2001 if seg[1] < 0x0200 => {
            let global = (seg[1] == 1 && seg[2..] == [0, 0, 0, 0, 0, 1])
                || seg[1] == 3
                || (seg[1] == 4 && seg[2] == 0x112)
                || (0x20..=0x3f).contains(&seg[1]);
            (!global).then_some(NonPublic::Reserved)
        }
        _ => None,
    }
}

/// The IPv4 address an IPv6 address carries and is routed as: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), IPv4-translated
/// (`::ffff:0:a.b.c.d`, RFC 2765/6052), NAT64 well-known (`64:ff9b::/96`)
/// and local-use (`64:ff9b:1::/48`, RFC 8215: the IPv4 in the last 32 bits),
/// and 6to4 (`2002:AABB:CCDD::/48`). Teredo is handled by the classifier.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) {
        return Some(tail());
    }
    if s[..4] == [0; 4] && s[4] == 0xffff && s[5] == 0 {
        return Some(tail());
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || s[..3] == [0x64, 0xff9b, 1] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Whether a host name is, by its name alone, local (`localhost`, `*.localhost`,
/// `*.local`, `*.internal`, or a single label that only a local resolver knows).
pub fn local_name(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") {
        Some("`localhost` always resolves to a loopback address")
    } else if h.ends_with(".local") {
        Some("`.local` names are resolved only on the local network (mDNS)")
    } else if h.ends_with(".internal") || h.ends_with(".lan") || h.ends_with(".home.arpa") {
        Some("this name is reserved for private networks")
    } else if placeholder(&h) {
        Some("this is a placeholder left in a template, not a host name (the URL was never filled in)")
    } else if !h.contains('.') {
        Some("a single-label name resolves only on a local network")
    } else {
        None
    }
}

/// Whether a host is a template's placeholder: `...`, `<host>`, `{domain}`,
/// `xxx`, `your-domain`, `HOST`.
fn placeholder(h: &str) -> bool {
    let h = h.trim_matches('.');
    h.is_empty()
        || h.chars().all(|c| c == '.' || c == '…')
        || ["<", ">", "{", "}", "%3c", "%7b", "…", "$"]
            .iter()
            .any(|p| h.contains(p))
        || h.chars().all(|c| c == 'x' || c == '*')
        || (h.starts_with("your") && !h.contains('.'))
        || ["host", "hostname", "domain", "server", "bucket", "cdn"].contains(&h)
}

/// Whether a host name is reserved for documentation and tests (RFC 2606 and
/// RFC 6761): `example.com`, `example.net`, `example.org` and their
/// subdomains, and the `.example`, `.test` and `.invalid` top-level domains.
/// No real media lives there, so nothing is fetched from them.
pub fn reserved_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|t| h.ends_with(t))
}

/// Classifies a URL host without DNS: an IP literal by its range, a name by
/// [`local_name`]. Returns a sentence saying why it is not public.
pub fn host_not_public(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Ipv4(ip) => classify_ip(IpAddr::V4(ip)).map(|c| format!("{ip} is {}", c.describe())),
        Host::Ipv6(ip) => {
            classify_ip(IpAddr::V6(ip)).map(|c| format!("[{ip}] is {}", c.describe()))
        }
        Host::Domain(d) => local_name(d).map(|why| format!("`{d}`: {why}")),
    }
}

/// What a media entry is, by its text alone.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaRef {
    /// An `https://` URL.
    Https(Url),
    /// A plain `http://` URL.
    Http(Url),
    /// A `file://` URL or a local path (absolute or relative).
    Local(String),
    /// A `data:` URI (inline content).
    DataUri,
    /// A `blob:` URL (exists only inside one browser tab).
    Blob,
    /// A long run of Base64 characters: inline content without a scheme.
    RawBase64,
    /// Another scheme (`ftp:`, `s3:`, `gs:` …), named in lower case.
    OtherScheme(String),
    /// An `http(s)` URL that does not parse.
    BadUrl(String),
    /// Empty or whitespace.
    Empty,
}

/// Shortest string taken for raw Base64 rather than a file name.
const MIN_BASE64_LEN: usize = 64;

/// Classifies the text of a media entry.
pub fn classify_media_ref(text: &str) -> MediaRef {
    let t = text.trim();
    if t.is_empty() {
        return MediaRef::Empty;
    }
    let lower_prefix: String = t.chars().take(12).collect::<String>().to_ascii_lowercase();
    if lower_prefix.starts_with("data:") {
        return MediaRef::DataUri;
    }
    if lower_prefix.starts_with("blob:") {
        return MediaRef::Blob;
    }
    if lower_prefix.starts_with("file:") {
        return match Url::parse(t).ok().and_then(|u| u.to_file_path().ok()) {
            Some(p) => MediaRef::Local(p.to_string_lossy().into_owned()),
            None => MediaRef::BadUrl("a file: URL that names no local path".into()),
        };
    }
    if let Some(scheme) = scheme_of(t) {
        return match scheme.as_str() {
            "https" | "http" => match Url::parse(t) {
                Ok(u) if u.host().is_some() => {
                    if scheme == "https" {
                        MediaRef::Https(u)
                    } else {
                        MediaRef::Http(u)
                    }
                }
                Ok(_) => MediaRef::BadUrl("the URL has no host".into()),
                Err(e) => MediaRef::BadUrl(e.to_string()),
            },
            _ => MediaRef::OtherScheme(scheme),
        };
    }
    if looks_like_base64(t) {
        return MediaRef::RawBase64;
    }
    MediaRef::Local(t.to_string())
}

/// The scheme of `scheme:…` text, lower-cased; a Windows drive letter (`C:\`) is
/// not a scheme.
fn scheme_of(t: &str) -> Option<String> {
    let (scheme, _) = t.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

fn looks_like_base64(t: &str) -> bool {
    t.len() >= MIN_BASE64_LEN
        && !t.contains('.')
        && t.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'\n' | b'\r')
        })
        && t.trim_end_matches('=').bytes().any(|b| b.is_ascii_digit())
}

/// Query parameters that carry credentials or signatures (lower case).
const SECRET_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "auth",
    "authorization",
    "api_key",
    "apikey",
    "key",
    "password",
    "passwd",
    "secret",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "x-goog-signature",
    "x-goog-credential",
    "x-oss-signature",
    "ossaccesskeyid",
    "awsaccesskeyid",
    "googleaccessid",
    "q-signature",
    "se",
    "sv",
];

/// Says what in a URL looks like a credential: `user:password@`, or a
/// signed-URL / token query parameter. The secret's value is never repeated.
pub fn credentials_in_url(url: &Url) -> Option<String> {
    if !url.username().is_empty() || url.password().is_some() {
        return Some("the URL carries a user name or password before the host".into());
    }
    let names: Vec<String> = url
        .query_pairs()
        .map(|(k, _)| k.to_ascii_lowercase())
        .filter(|k| SECRET_PARAMS.contains(&k.as_str()))
        .collect();
    if names.is_empty() {
        None
    } else {
        Some(format!(
            "the query carries {} `{}`, a credential or signature",
            if names.len() == 1 {
                "the parameter"
            } else {
                "the parameters"
            },
            names.join("`, `")
        ))
    }
}

#[cfg(test)]
mod tests;
