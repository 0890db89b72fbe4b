#!/usr/bin/env bash
# The attacker's inputs of issue 21, measured: wall time and peak memory
# (GNU time's maximum resident set) of the release binary on each.
#
#   benches/attack.sh [path/to/seedance-preflight]
#
# Needs python3 (to write the PNGs, configs and batches) and ffmpeg (for
# the FLAC case; skipped without it). Writes only below a temporary folder.
set -euo pipefail
BIN=${1:-target/release/seedance-preflight}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

measure() { # name, command...
  local name=$1; shift
  local t=/tmp/attack-time.$$
  set +e
  /usr/bin/time -f '%e %M' -o "$t" "$@" >/dev/null 2>"$W/stderr"
  local code=$?
  set -e
  read -r secs kb < <(tail -1 "$t")
  printf '| %s | %s s | %s MB | %s |\n' "$name" "$secs" "$((kb / 1024))" "$code"
  rm -f "$t"
}

python3 - <<'PY'
import json, struct, zlib
def png(path, w, h, bits=1):
    row = b"\0" + b"\0" * ((w * bits + 7) // 8)
    raw = zlib.compress(row * h, 9)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", w, h, bits, 0, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
png("strip.png", 65535, 1, 8)
json.dump({"model": "seedance-2.0-image-to-video", "prompt": "image 1 turns",
           "image_urls": ["strip.png"]}, open("strip.json", "w"))
for i in range(8):
    png(f"huge{i}.png", 30000, 30000, 1)
json.dump({"model": "seedance-2.0-reference-to-video", "prompt": "images 1 to 8",
           "image_urls": [f"huge{i}.png" for i in range(8)]}, open("huge.json", "w"))
open("empty-1m.jsonl", "w").write("{}\n" * 1_000_000)
open("empty-200k.jsonl", "w").write("{}\n" * 200_000)
with open("globs/seedance-preflight.toml".replace("globs/", ""), "w") as f:
    pass
import os
os.makedirs("globs", exist_ok=True)
with open("globs/seedance-preflight.toml", "w") as f:
    f.write("exclude = [" + ",".join(f'"dir{i}/**"' for i in range(200_000)) + "]\n")
json.dump({"model": "seedance-2.0-text-to-video", "prompt": "a cat"}, open("globs/r.json", "w"))
PY

echo "| input | time | peak memory | exit |"
echo "|---|---|---|---|"
measure "fix: an 88-byte 65535×1 PNG" "$BIN" fix strip.json --out out-strip
measure "check --deep: eight 30000×30000 PNGs" "$BIN" check --deep huge.json
measure "check --format junit: 1,000,000 \`{}\` lines" "$BIN" check --format junit empty-1m.jsonl
measure "fix: 200,000 \`{}\` lines" "$BIN" fix empty-200k.jsonl --out out-200k
measure "check: a config with 200,000 globs" "$BIN" check --no-fetch globs/r.json
if command -v ffmpeg >/dev/null; then
  ffmpeg -v error -f lavfi -i anullsrc=r=48000:cl=stereo -t 3600 -y silence.flac
  python3 - <<'PY'
b = bytearray(open("silence.flac", "rb").read())
# STREAMINFO total samples: the low 4 bits of byte 21 and bytes 22-25.
b[21] &= 0xF0
b[22:26] = b"\0\0\0\0"
open("silence.flac", "wb").write(b)
import json
json.dump({"model": "seedance-2.0-reference-to-video", "prompt": "audio 1 plays",
           "image_urls": ["https://cdn.example.com/a.jpg"], "audio_urls": ["silence.flac"]},
          open("flac.json", "w"))
PY
  measure "fix: a $(($(stat -c %s silence.flac) / 1024)) KB FLAC, length zeroed (1 h of silence)" "$BIN" fix flac.json --out out-flac --allow-lossy
  ls -l out-flac/assets 2>/dev/null | tail -n +2 | awk '{print "  wrote", $5, "bytes:", $9}' >&2 || true
fi
