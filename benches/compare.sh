#!/usr/bin/env bash
# Side by side, on exactly the same files, in one run:
#   seedance-preflight probe --format json   (all files, one process)
#   ffprobe, once per file                    (what scripts usually do)
#   mediainfo --Output=JSON                   (all files, one process)
#   exiftool -json                            (all files, one process)
# on a corpus of >= 1,000 real media files made with ffmpeg, including
# 50-500 MB videos with the moov at the end. Prints files/s, our ratio to
# each, our bytes read against the corpus size, the peak memory of a
# 10,000-asset check, and rewrites the generated top of benches/RESULTS.md
# (its dated ## sections are kept).
#
#   bash benches/compare.sh            # corpus in /tmp/seedance-preflight-corpus (kept)
#   CORPUS=/somewhere bash benches/compare.sh
#
# Needs: cargo, ffmpeg, ffprobe, mediainfo, exiftool, python3 (installed with
# apt-get when missing and run as root). Not run in CI (minutes, ~1 GB disk).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
CORPUS=${CORPUS:-/tmp/seedance-preflight-corpus}
BIN=$REPO/target/release/seedance-preflight

need() {
  local missing=()
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v mediainfo >/dev/null || missing+=(mediainfo)
  command -v exiftool >/dev/null || missing+=(libimage-exiftool-perl)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
need
cargo build --release --quiet

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y -threads 2 "$@"; }

# ---------------------------------------------------------------- corpus --
build_corpus() {
  rm -rf "$CORPUS"; mkdir -p "$CORPUS/base" "$CORPUS/files"
  local b=$CORPUS/base
  echo "building the corpus in $CORPUS ..." >&2
  # Large files: moov at the end (ffmpeg's default without +faststart).
  # Lossless H.264 of a noisy pattern is ~1.5 MB a frame at 720p, so the frame
  # count sets the size (a bitrate target undershoots on simple patterns).
  local noisy="testsrc2=s=1280x720:r=24,noise=alls=40:allf=t"
  ff -f lavfi -i "$noisy" -frames:v 33 -c:v libx264 -preset ultrafast -qp 0 "$b/big-50mb.mp4"
  ff -f lavfi -i "$noisy" -frames:v 130 -c:v libx264 -preset ultrafast -qp 0 "$b/big-200mb.mp4"
  ff -f lavfi -i "$noisy" -frames:v 324 -c:v libx264 -preset ultrafast -qp 0 "$b/big-500mb.mov"
  # A header-less VBR MP3 (counted frame by frame) and a long WAV, both > 10 MB.
  ff -f lavfi -i "sine=f=440:d=900,aeval=val(0)*0.5+random(0)*0.3" -c:a libmp3lame -q:a 0 -write_xing 0 "$b/big-noxing-vbr.mp3"
  ff -f lavfi -i "sine=f=330:d=80" -ac 2 -ar 44100 -c:a pcm_s16le "$b/big-80s.wav"
  # A large JPEG (noise compresses badly).
  ff -f lavfi -i "color=c=gray:s=6000x4000,noise=alls=100:allf=t" -frames:v 1 -q:v 2 "$b/big-6000x4000.jpg"
  # 250 distinct small files of every accepted kind, sizes and lengths varied.
  for i in $(seq 0 249); do
    local w=$((320 + (i % 8) * 160)) h=$((320 + (i % 5) * 120)) d=$((2 + i % 4))
    case $((i % 6)) in
      0) ff -f lavfi -i "testsrc2=s=${w}x${h}" -frames:v 1 -q:v 5 "$b/img-$i.jpg" ;;
      1) ff -f lavfi -i "testsrc2=s=${w}x${h}" -frames:v 1 "$b/img-$i.png" ;;
      2) ff -f lavfi -i "testsrc2=s=${w}x${h}" -frames:v 1 -c:v libwebp -q:v 60 "$b/img-$i.webp" ;;
      3) ff -f lavfi -i "testsrc2=s=640x640:r=24:d=$d" -c:v libx264 -preset ultrafast -crf 40 "$b/vid-$i.mp4" ;;
      4) ff -f lavfi -i "sine=f=$((200 + i)):d=$d" -c:a libmp3lame -b:a 128k "$b/aud-$i.mp3" ;;
      5) ff -f lavfi -i "sine=f=$((200 + i)):d=$d" -ar 22050 -c:a pcm_s16le "$b/aud-$i.wav" ;;
    esac
  done
  # 1,000 files: every base file, plus copies of the small ones under new names.
  cp "$b"/* "$CORPUS/files/"
  local n; n=$(ls "$CORPUS/files" | wc -l); local k=0
  while [ "$n" -lt 1000 ]; do
    for f in "$b"/img-* "$b"/vid-* "$b"/aud-*; do
      [ "$n" -ge 1000 ] && break
      cp "$f" "$CORPUS/files/copy$k-$(basename "$f")"; n=$((n + 1)); k=$((k + 1))
    done
  done
  touch "$CORPUS/.complete"
}
[ -f "$CORPUS/.complete" ] || build_corpus
mapfile -t FILES < <(find "$CORPUS/files" -type f | sort)
N=${#FILES[@]}
SIZE=$(du -cb "${FILES[@]}" | tail -1 | cut -f1)
echo "corpus: $N files, $SIZE bytes" >&2

# ---------------------------------------------------------------- timing --
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
# Warm the page cache for everyone, so no tool pays for the disk.
cat "${FILES[@]}" > /dev/null

t0=$(now); "$BIN" probe --format json "${FILES[@]}" > "$CORPUS/ours.json"; t1=$(now)
OURS=$(secs "$t0" "$t1")
t0=$(now); for f in "${FILES[@]}"; do ffprobe -v error -show_format -show_streams -of json "$f" > /dev/null; done; t1=$(now)
FFPROBE=$(secs "$t0" "$t1")
t0=$(now); mediainfo --Output=JSON "${FILES[@]}" > /dev/null; t1=$(now)
MEDIAINFO=$(secs "$t0" "$t1")
t0=$(now); exiftool -json -q "${FILES[@]}" > /dev/null 2>&1 || true; t1=$(now)
EXIFTOOL=$(secs "$t0" "$t1")

# Peak memory of a 10,000-asset check (hard links: distinct paths, no disk).
mkdir -p "$CORPUS/links"
python3 - "$CORPUS" <<'PY'
import json, os, sys
corpus = sys.argv[1]
files = sorted(os.path.join(corpus, "files", f) for f in os.listdir(os.path.join(corpus, "files")))
small = [f for f in files if os.path.getsize(f) < 10_000_000]
with open(os.path.join(corpus, "check10k.jsonl"), "w") as out:
    for i in range(10_000):
        src = small[i % len(small)]
        ext = os.path.splitext(src)[1]
        link = os.path.join(corpus, "links", f"a{i}{ext}")
        if not os.path.exists(link):
            os.link(src, link)
        slot = {".mp4": "video_urls", ".mp3": "audio_urls", ".wav": "audio_urls"}.get(ext, "image_urls")
        req = {"model": "seedance-2.0-reference-to-video", "prompt": "image 1", slot: [link]}
        if slot != "image_urls":
            req["image_urls"] = [os.path.join(corpus, "base", "img-0.jpg")]
        out.write(json.dumps(req) + "\n")
PY
t0=$(now)
PEAK_KB=$( { /usr/bin/time -f "%M" "$BIN" check --format json "$CORPUS/check10k.jsonl" > "$CORPUS/check10k.out.json"; } 2>&1 | tail -1 || true)
t1=$(now)
CHECK10K=$(secs "$t0" "$t1")

# ---------------------------------------------------------------- report --
python3 - "$REPO" "$CORPUS" "$N" "$SIZE" "$OURS" "$FFPROBE" "$MEDIAINFO" "$EXIFTOOL" "$PEAK_KB" "$CHECK10K" <<'PY'
import json, os, platform, subprocess, sys, datetime
repo, corpus, n, size, ours, ffprobe, mediainfo, exiftool, peak_kb, check10k = sys.argv[1:]
n, size = int(n), int(size)
ours, ffprobe, mediainfo, exiftool, check10k = map(float, (ours, ffprobe, mediainfo, exiftool, check10k))
facts = json.load(open(os.path.join(corpus, "ours.json")))
read = sum(f["bytes_read"] for f in facts)
errors = [f["source"] for f in facts if f["error"]]
big = [(f["source"], f["size_bytes"], f["bytes_read"]) for f in facts if (f["size_bytes"] or 0) > 10_000_000]
def ver(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
rows = [("seedance-preflight probe --format json (one call)", ours),
        ("ffprobe -show_format -show_streams, once per file", ffprobe),
        ("mediainfo --Output=JSON (one call)", mediainfo),
        ("exiftool -json (one call)", exiftool)]
lines = []
lines.append("# Benchmark results\n")
lines.append(f"Regenerated by `benches/compare.sh` on {datetime.date.today()}. Do not edit by hand.\n")
lines.append(f"- machine: {os.cpu_count()} cores ({cpu}), {mem} memory, {platform.system()} {platform.release()}")
mediainfo_version = subprocess.run(["mediainfo", "--Version"], capture_output=True, text=True).stdout.split()[-1]
lines.append(f"- tools: {ver(['ffprobe', '-version'])}; MediaInfo {mediainfo_version}; exiftool {ver(['exiftool', '-ver'])}")
lines.append(f"- corpus: {n} real media files made with ffmpeg, {size / 1e6:.1f} MB, page cache warm for every tool\n")
lines.append("| tool | seconds | files/s | seedance-preflight is |")
lines.append("|---|---:|---:|---:|")
for name, t in rows:
    ratio = "—" if t == ours else f"{t / ours:.0f}× faster"
    lines.append(f"| {name} | {t:.3f} | {n / t:,.0f} | {ratio} |")
lines.append("")
lines.append(f"Bytes read by `seedance-preflight probe`: {read:,} of {size:,} ({100 * read / size:.3f} % of the corpus).\n")
lines.append("Files above 10 MB:\n")
lines.append("| file | size | bytes read | share |")
lines.append("|---|---:|---:|---:|")
for src, s, r in sorted(big, key=lambda x: x[1]):
    lines.append(f"| {os.path.basename(src)} | {s:,} | {r:,} | {100 * r / s:.4f} % |")
lines.append("")
lines.append("The header-less VBR MP3 is read whole on purpose: without a Xing/Info/VBRI header its exact length needs every frame header.\n")
lines.append(f"Peak memory of `seedance-preflight check` over 10,000 requests naming 10,000 distinct local assets: {int(peak_kb) / 1024:.1f} MiB ({check10k:.2f} s).\n")
if errors:
    lines.append(f"Probe errors: {len(errors)} — {', '.join(os.path.basename(e) for e in errors[:5])}\n")
text = "\n".join(lines)
# The dated sections below the generated part (## headings: before/after
# figures of earlier changes) are kept.
results = os.path.join(repo, "benches", "RESULTS.md")
history = ""
if os.path.exists(results):
    previous = open(results).read()
    cut = previous.find("\n## ")
    if cut >= 0:
        history = previous[cut:]
open(results, "w").write(text + history)
print(text)
PY
