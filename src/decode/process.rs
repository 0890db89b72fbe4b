//! External programs (ffmpeg, image converters): found on PATH or given by
//! path, run with a timeout in a process group of their own, so that at the
//! timeout the whole group is killed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a local path is given to ffmpeg: absolute and `file:`-prefixed, so
/// that no part of a name (`subfile,,start,0,…:/other`, `concat:`) is read
/// as a protocol.
pub(crate) fn ffmpeg_arg(path: &Path) -> String {
    format!("file:{}", crate::outfile::absolute(path).display())
}

/// `ffmpeg` given by path, or found on PATH.
pub fn find_ffmpeg(given: Option<&Path>) -> Option<PathBuf> {
    match given {
        Some(p) => p.is_file().then(|| p.to_path_buf()),
        None => find_program("ffmpeg"),
    }
}

/// A program of this name on PATH.
pub(crate) fn find_program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs ffmpeg (or another converter), killing it after `timeout`. `Err` carries the reason and the
/// end of its stderr.
pub fn run(program: &Path, args: &[String], timeout: Duration) -> Result<(), String> {
    run_with(program, args, None, timeout)
}

/// [`run`], with `stdin` (a file) on its standard input. The program runs
/// in a process group of its own: at the timeout the whole group is
/// killed, the children it started too.
pub(crate) fn run_with(
    program: &Path,
    args: &[String],
    stdin: Option<&Path>,
    timeout: Duration,
) -> Result<(), String> {
    let name = program
        .file_name()
        .map_or("ffmpeg".into(), |n| n.to_string_lossy().into_owned());
    let input = match stdin {
        Some(p) => Stdio::from(
            crate::source::open_regular(p)
                .map_err(|e| format!("cannot open {}: {e}", crate::outfile::shown(p)))?,
        ),
        None => Stdio::null(),
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    // Drain stderr in a thread, keeping its last 4 KiB.
    let mut err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut tail: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        if let Some(e) = err.as_mut() {
            while let Ok(n) = e.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 4096 {
                    tail.drain(..tail.len() - 4096);
                }
            }
        }
        String::from_utf8_lossy(&tail).trim().to_string()
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() >= timeout => {
                kill_group(&mut child);
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for {name}: {e}")),
        }
    };
    let tail = reader.join().unwrap_or_default();
    match status {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err(format!("{name} failed ({s}): {tail}")),
        None => Err(format!(
            "{name} did not finish within {:.1} s (the tool timeout, or the run's deadline) and was stopped",
            timeout.as_secs_f64()
        )),
    }
}

/// Kills the child's whole process group (it leads one: `process_group(0)`).
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Some(pid) = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
    let _ = child.kill();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// At the timeout the whole process group goes, not only the program:
    /// a child it started (ffmpeg's filters, a converter's delegates) does
    /// not outlive it.
    #[test]
    fn the_timeout_kills_the_programs_children_too() {
        let dir = std::env::temp_dir().join(format!("sp-pgroup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join("child.pid");
        let script = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        let started = std::time::Instant::now();
        let r = run_with(
            Path::new("/bin/sh"),
            &["-c".to_string(), script],
            None,
            Duration::from_millis(500),
        );
        assert!(r.is_err_and(|e| e.contains("did not finish")));
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .to_string();
        // Give the kernel a moment to reap it, then look for it.
        let mut alive = true;
        for _ in 0..50 {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // Gone, or a zombie waiting for its (killed) parent's reaper.
            if stat.is_empty() || stat.split_whitespace().nth(2) == Some("Z") {
                alive = false;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive, "the grandchild {pid} survived the timeout");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
