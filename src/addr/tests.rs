//! Unit tests.

use super::*;

fn class(s: &str) -> Option<NonPublic> {
    classify_ip(s.parse().unwrap())
}

#[test]
fn ipv4_ranges() {
    assert_eq!(class("127.0.0.1"), Some(NonPublic::Loopback));
    assert_eq!(class("10.1.2.3"), Some(NonPublic::Private));
    assert_eq!(class("172.16.0.1"), Some(NonPublic::Private));
    assert_eq!(class("172.31.255.255"), Some(NonPublic::Private));
    assert_eq!(class("172.32.0.1"), None);
    assert_eq!(class("192.168.1.1"), Some(NonPublic::Private));
    assert_eq!(class("169.254.169.254"), Some(NonPublic::LinkLocal));
    assert_eq!(class("100.64.0.1"), Some(NonPublic::Cgnat));
    assert_eq!(class("100.127.255.255"), Some(NonPublic::Cgnat));
    assert_eq!(class("100.128.0.1"), None);
    assert_eq!(class("0.0.0.0"), Some(NonPublic::Unspecified));
    assert_eq!(class("255.255.255.255"), Some(NonPublic::Reserved));
    assert_eq!(class("8.8.8.8"), None);
}

#[test]
fn ipv6_ranges_and_embedded_ipv4() {
    assert_eq!(class("::1"), Some(NonPublic::Loopback));
    assert_eq!(class("::"), Some(NonPublic::Unspecified));
    assert_eq!(class("fe80::1"), Some(NonPublic::LinkLocal));
    assert_eq!(class("fd12:3456::1"), Some(NonPublic::UniqueLocal));
    assert_eq!(class("::ffff:127.0.0.1"), Some(NonPublic::Loopback));
    assert_eq!(class("::ffff:10.0.0.1"), Some(NonPublic::Private));
    assert_eq!(class("::ffff:8.8.8.8"), None);
    assert_eq!(class("64:ff9b::192.168.0.1"), Some(NonPublic::Private));
    assert_eq!(class("2002:7f00:1::"), Some(NonPublic::Loopback));
    assert_eq!(class("2606:4700::1111"), None);
}

#[test]
fn url_hosts_without_dns() {
    let u = |s: &str| host_not_public(&Url::parse(s).unwrap());
    assert!(u("https://localhost/a.jpg").is_some());
    assert!(u("https://cdn.localhost/a.jpg").is_some());
    assert!(u("https://[::ffff:7f00:1]/a.jpg").is_some());
    // The URL parser normalizes decimal and hex IPv4 forms.
    assert!(u("http://2130706433/a.jpg").unwrap().contains("127.0.0.1"));
    assert!(u("http://0x7f.1/a.jpg").is_some());
    assert!(u("https://intranet/a.jpg").is_some());
    assert_eq!(u("https://example.com/a.jpg"), None);
}

#[test]
fn reserved_names() {
    for h in [
        "example.com",
        "cdn.example.com",
        "example.org.",
        "shop.test",
        "x.invalid",
        "media.example",
    ] {
        assert!(reserved_name(h), "{h}");
    }
    for h in ["example.community", "myexample.com", "cdn.example.co"] {
        assert!(!reserved_name(h), "{h}");
    }
}

#[test]
fn media_refs() {
    use MediaRef::*;
    assert!(matches!(
        classify_media_ref("https://a.com/x.png"),
        Https(_)
    ));
    assert!(matches!(classify_media_ref("http://a.com/x.png"), Http(_)));
    assert_eq!(classify_media_ref("data:image/png;base64,AAAA"), DataUri);
    assert_eq!(classify_media_ref("blob:https://a.com/1234"), Blob);
    assert_eq!(
        classify_media_ref("s3://bucket/x.png"),
        OtherScheme("s3".into())
    );
    assert_eq!(classify_media_ref("./x.png"), Local("./x.png".into()));
    assert_eq!(
        classify_media_ref("C:\\media\\x.png"),
        Local("C:\\media\\x.png".into())
    );
    assert_eq!(
        classify_media_ref("file:///tmp/x.png"),
        Local("/tmp/x.png".into())
    );
    assert_eq!(classify_media_ref("  "), Empty);
    let b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    assert_eq!(classify_media_ref(b64), RawBase64);
    assert!(matches!(classify_media_ref("https://"), BadUrl(_)));
}

#[test]
fn credentials() {
    let c = |s: &str| credentials_in_url(&Url::parse(s).unwrap());
    assert!(c("https://u:p@a.com/x.jpg").is_some());
    assert!(
        c("https://a.com/x.jpg?X-Amz-Signature=abc&X-Amz-Credential=k")
            .unwrap()
            .contains("x-amz-signature")
    );
    assert!(c("https://a.com/x.jpg?token=abc").is_some());
    assert_eq!(c("https://a.com/x.jpg?width=300"), None);
}

/// The classifier against the IANA IPv4 and IPv6 Special-Purpose Address
/// Registries (RFC 6890 and successors), row by row: an address inside each
/// block, and whether the registry calls it globally reachable. `None` =
/// public (the service can reach it).
#[test]
fn iana_special_purpose_registries() {
    use NonPublic::*;
    let table: &[(&str, Option<NonPublic>)] = &[
        // IPv4
        ("0.1.2.3", Some(Unspecified)), // 0.0.0.0/8 "this network"
        ("10.20.30.40", Some(Private)), // 10/8
        ("100.64.0.1", Some(Cgnat)),    // 100.64/10 shared address space
        ("100.127.255.254", Some(Cgnat)),
        ("127.0.0.2", Some(Loopback)),        // 127/8
        ("169.254.169.254", Some(LinkLocal)), // 169.254/16 (cloud metadata)
        ("172.16.0.1", Some(Private)),        // 172.16/12
        ("172.31.255.255", Some(Private)),
        ("192.0.0.8", Some(Reserved)), // 192.0.0/24 IETF protocol assignments
        ("192.0.2.1", Some(Reserved)), // TEST-NET-1
        ("192.88.99.1", Some(Reserved)), // deprecated 6to4 relay anycast
        ("192.168.1.1", Some(Private)), // 192.168/16
        ("198.18.0.1", Some(Reserved)), // 198.18/15 benchmarking
        ("198.19.255.255", Some(Reserved)),
        ("198.51.100.7", Some(Reserved)), // TEST-NET-2
        ("203.0.113.9", Some(Reserved)),  // TEST-NET-3
        ("224.0.0.1", Some(Multicast)),
        ("240.0.0.1", Some(Reserved)),       // 240/4 reserved
        ("255.255.255.255", Some(Reserved)), // limited broadcast
        ("192.31.196.1", None),              // AS112-v4: globally reachable
        ("192.52.193.1", None),              // AMT: globally reachable
        ("192.175.48.1", None),              // direct delegation AS112
        ("172.32.0.1", None),
        ("100.128.0.1", None),
        ("8.8.8.8", None),
        // IPv6
        ("::1", Some(Loopback)),
        ("::", Some(Unspecified)),
        ("::ffff:10.0.0.1", Some(Private)),  // IPv4-mapped
        ("::ffff:0:7f00:1", Some(Loopback)), // IPv4-translated ::ffff:0:0:0/96
        ("::ffff:0:a9fe:a9fe", Some(LinkLocal)),
        ("::ffff:0:808:808", None),
        ("64:ff9b::a00:1", Some(Private)), // NAT64 well-known, carries 10.0.0.1
        ("64:ff9b::808:808", None),
        ("64:ff9b:1::7f00:1", Some(Loopback)), // local-use NAT64, carries 127.0.0.1
        ("64:ff9b:1::808:808", Some(Reserved)), // local-use NAT64: never global
        ("100::1", Some(Reserved)),            // discard-only
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", Some(Loopback)), // Teredo, client 127.0.0.1
        ("2001:0:c0a8:101:0:0:f7f7:f7f7", Some(Private)), // Teredo, server 192.168.1.1
        ("2001:2::1", Some(Reserved)),         // benchmarking
        ("2001:10::1", Some(Reserved)),        // deprecated ORCHID
        ("2001:1::1", None),                   // port control anycast: global
        ("2001:3::1", None),                   // AMT: global
        ("2001:4:112::1", None),               // AS112-v6: global
        ("2001:20::1", None),                  // ORCHIDv2: global
        ("2001:db8::1", Some(Reserved)),       // documentation
        ("3fff::1", Some(Reserved)),           // documentation (RFC 9637)
        ("2002:c0a8:101::1", Some(Private)),   // 6to4 carrying 192.168.1.1
        ("2002:808:808::1", None),
        ("2620:4f:8000::1", None),   // direct delegation AS112: global
        ("5f00::1", Some(Reserved)), // SRv6 SIDs
        ("fc00::1", Some(UniqueLocal)),
        ("fd00::1", Some(UniqueLocal)),
        ("fe80::1", Some(LinkLocal)),
        ("febf::1", Some(LinkLocal)),
        ("ff02::1", Some(Multicast)),
        ("2606:4700::1111", None),
        ("2a00:1450::1", None),
    ];
    for (ip, want) in table {
        assert_eq!(class(ip), *want, "{ip}");
    }
}
