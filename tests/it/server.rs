//! A real HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: serves
//! fixtures/media with or without Range support, and misbehaves on purpose.
//!
//! Routes (`<rel>` is a path below fixtures/media):
//! - `/files/<rel>`: 206 for Range requests, 200 otherwise;
//! - `/norange/<rel>`: always 200 with the whole body;
//! - `/nolength/<rel>`: 200 without Content-Length, ends by closing;
//! - `/long/<rel>`: declares half the length and sends the whole body;
//! - `/wrongtype/<rel>`: Content-Type `image/png` whatever the bytes;
//! - `/delay/<ms>/<rel>`: like `/files/` after a pause;
//! - `/slow/<rel>`: waits 3 s before answering;
//! - `/status/<code>`: that status;
//! - `/login/<rel>`: 302 to `/signin`, which is an HTML page;
//! - `/loop/a`, `/loop/b`: redirect to each other;
//! - `/chain/<n>`: n redirects, then `/files/image/ok-1280x720.jpg`;
//! - `/html/<name>`: an HTML page.
//!
//! Hostile routes (bounded: every sleep ends by itself):
//! - `/to/<absolute URL>`: 302 to that URL;
//! - `/tarpit/<x>`: reads the request, answers nothing for 20 s;
//! - `/stall/<rel>`: headers and 100 bytes of the file, then silence for 20 s;
//! - `/short/<rel>`: announces the whole length, sends 100 bytes, closes;
//! - `/shifted/<rel>`: 206 whose Content-Range starts at byte 100;
//! - `/huge/<rel>`: 206 whose Content-Range total is 2^64 − 1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub struct Server {
    pub base: String,
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/media");
        let (c, s) = (connections.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let root = root.clone();
                thread::spawn(move || {
                    let _ = handle(stream, &root);
                });
            }
        });
        Server {
            base,
            connections,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

fn content_type(rel: &str) -> &'static str {
    match rel.rsplit('.').next().unwrap_or("") {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

#[expect(clippy::too_many_lines, reason = "predates the lint")]
fn handle(mut stream: TcpStream, root: &std::path::Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/").to_string();
    let mut range: Option<(u64, Option<u64>)> = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            let (a, b) = v.trim().split_once('-').unwrap_or(("0", ""));
            range = Some((a.parse().unwrap_or(0), b.parse().ok()));
        }
    }
    let (route, rest) = path[1..].split_once('/').unwrap_or((&path[1..], ""));
    let send = |s: &mut TcpStream,
                status: &str,
                headers: &[(&str, String)],
                body: &[u8]|
     -> std::io::Result<()> {
        let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes())?;
        s.write_all(body)
    };
    let file = |rel: &str| std::fs::read(root.join(rel));
    match route {
        "files" | "delay" | "slow" => {
            let rel = if route == "delay" {
                let (ms, rel) = rest.split_once('/').unwrap();
                thread::sleep(Duration::from_millis(ms.parse().unwrap()));
                rel
            } else {
                if route == "slow" {
                    thread::sleep(Duration::from_secs(3));
                }
                rest
            };
            let Ok(body) = file(rel) else {
                return send(&mut stream, "404 Not Found", &[], b"");
            };
            let total = body.len() as u64;
            let ct = ("Content-Type", content_type(rel).to_string());
            match range {
                Some((a, _)) if a >= total => send(
                    &mut stream,
                    "416 Range Not Satisfiable",
                    &[("Content-Range", format!("bytes */{total}"))],
                    b"",
                ),
                Some((a, b)) => {
                    let end = b.unwrap_or(total - 1).min(total - 1);
                    let part = &body[a as usize..=end as usize];
                    let headers = [
                        ct,
                        ("Content-Range", format!("bytes {a}-{end}/{total}")),
                        ("Content-Length", part.len().to_string()),
                    ];
                    send(&mut stream, "206 Partial Content", &headers, part)
                }
                None => send(
                    &mut stream,
                    "200 OK",
                    &[ct, ("Content-Length", total.to_string())],
                    &body,
                ),
            }
        }
        "norange" | "nolength" | "long" | "wrongtype" => {
            let Ok(body) = file(rest) else {
                return send(&mut stream, "404 Not Found", &[], b"");
            };
            let ct = if route == "wrongtype" {
                "image/png"
            } else {
                content_type(rest)
            };
            let mut headers = vec![("Content-Type", ct.to_string())];
            match route {
                "nolength" => {}
                "long" => headers.push(("Content-Length", (body.len() / 2).to_string())),
                _ => headers.push(("Content-Length", body.len().to_string())),
            }
            send(&mut stream, "200 OK", &headers, &body)
        }
        "status" => {
            let status = match rest {
                "401" => "401 Unauthorized",
                "403" => "403 Forbidden",
                "404" => "404 Not Found",
                _ => "500 Internal Server Error",
            };
            send(&mut stream, status, &[("Content-Length", "0".into())], b"")
        }
        "login" => send(
            &mut stream,
            "302 Found",
            &[
                ("Location", "/signin?next=photo".into()),
                ("Content-Length", "0".into()),
            ],
            b"",
        ),
        "signin" | "html" => {
            let page = b"<!DOCTYPE html><html><body><form>Sign in</form></body></html>";
            send(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "text/html; charset=utf-8".into()),
                    ("Content-Length", page.len().to_string()),
                ],
                page,
            )
        }
        "to" => send(
            &mut stream,
            "302 Found",
            &[
                ("Location", rest.to_string()),
                ("Content-Length", "0".into()),
            ],
            b"",
        ),
        "tarpit" => {
            thread::sleep(Duration::from_secs(20));
            Ok(())
        }
        "stall" | "short" | "shifted" | "huge" => {
            let Ok(body) = file(rest) else {
                return send(&mut stream, "404 Not Found", &[], b"");
            };
            let total = body.len();
            let ct = ("Content-Type", content_type(rest).to_string());
            match route {
                "stall" | "short" => {
                    let (a, end) = match range {
                        Some((a, b)) => (
                            a as usize,
                            b.map_or(total - 1, |b| (b as usize).min(total - 1)),
                        ),
                        None => (0, total - 1),
                    };
                    let part = &body[a.min(total)..=end];
                    let head = [
                        ct,
                        ("Content-Range", format!("bytes {a}-{end}/{total}")),
                        ("Content-Length", part.len().to_string()),
                    ];
                    let status = if range.is_some() {
                        "206 Partial Content"
                    } else {
                        "200 OK"
                    };
                    send(&mut stream, status, &head, &part[..100.min(part.len())])?;
                    stream.flush()?;
                    if route == "stall" {
                        thread::sleep(Duration::from_secs(20));
                    }
                    Ok(())
                }
                "shifted" => {
                    let part = &body[100..];
                    let head = [
                        ct,
                        ("Content-Range", format!("bytes 100-{}/{total}", total - 1)),
                        ("Content-Length", part.len().to_string()),
                    ];
                    send(&mut stream, "206 Partial Content", &head, part)
                }
                _ => {
                    let (a, b) = range.unwrap_or((0, None));
                    if a >= total as u64 {
                        let head = [("Content-Range", format!("bytes */{}", u64::MAX))];
                        return send(&mut stream, "416 Range Not Satisfiable", &head, b"");
                    }
                    let end = b.unwrap_or(total as u64 - 1).min(total as u64 - 1);
                    let part = &body[a as usize..=end as usize];
                    let head = [
                        ct,
                        ("Content-Range", format!("bytes {a}-{end}/{}", u64::MAX)),
                        ("Content-Length", part.len().to_string()),
                    ];
                    send(&mut stream, "206 Partial Content", &head, part)
                }
            }
        }
        "loop" => {
            let next = if rest == "a" { "/loop/b" } else { "/loop/a" };
            send(
                &mut stream,
                "302 Found",
                &[("Location", next.into()), ("Content-Length", "0".into())],
                b"",
            )
        }
        "chain" => {
            let n: u32 = rest.parse().unwrap_or(0);
            let next = if n == 0 {
                "/files/image/ok-1280x720.jpg".to_string()
            } else {
                format!("/chain/{}", n - 1)
            };
            send(
                &mut stream,
                "302 Found",
                &[("Location", next), ("Content-Length", "0".into())],
                b"",
            )
        }
        _ => send(
            &mut stream,
            "404 Not Found",
            &[("Content-Length", "0".into())],
            b"",
        ),
    }?;
    // Drain what the client may still send, then close.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 512];
    let _ = reader.get_mut().read(&mut sink);
    Ok(())
}
