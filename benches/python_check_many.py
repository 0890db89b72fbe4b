"""check_many of 20,000 request dicts (fetch=False) against the command line
on the same requests as JSONL, and against validating the dicts with the
`jsonschema` package and a JSON Schema of the request shape (what a user
might do instead: it knows the shape, not the models, limits or media).

    python benches/python_check_many.py [N]
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import seedance_preflight as sp

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
reqs = [{"model": "seedance-2.0-image-to-video" if i % 3 else "seedance-2.0-text-to-video",
         "prompt": f"shot {i}: the cat in image 1 turns its head",
         "image_urls": [f"https://cdn.example.com/{i}.jpg"] if i % 3 else [],
         "duration": 4 + i % 14, "quality": "720p", "aspect_ratio": "16:9"}
        for i in range(N)]


def best(f, runs=3):
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return min(t)


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "r.jsonl")
    with open(path, "w") as f:
        for r in reqs:
            f.write(json.dumps(r) + "\n")
    exe = os.path.join(os.path.dirname(sys.executable), "seedance-preflight")
    cli = best(lambda: subprocess.run([exe, "check", "--no-fetch", "--isolated", "--format",
                                       "jsonl", "--quiet", path], stdout=subprocess.DEVNULL))

py = best(lambda: sum(1 for _ in sp.check_many(reqs, fetch=False)))
print(f"{N} requests: CLI on JSONL {cli:.3f} s; check_many {py:.3f} s ({py / cli:.2f}x)")

try:
    import jsonschema
except ImportError:
    print("jsonschema not installed: comparison skipped")
else:
    schema = {
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {
            "model": {"type": "string"},
            "prompt": {"type": "string", "minLength": 1},
            "image_urls": {"type": "array", "items": {"type": "string", "format": "uri"},
                           "maxItems": 9},
            "duration": {"type": "integer", "minimum": 4, "maximum": 15},
            "quality": {"enum": ["480p", "720p", "1080p"]},
            "aspect_ratio": {"type": "string"},
        },
    }
    v = jsonschema.Draft202012Validator(schema)
    js = best(lambda: sum(1 for r in reqs if not v.is_valid(r)))
    print(f"jsonschema (shape only) {js:.3f} s ({js / py:.2f}x check_many)")
