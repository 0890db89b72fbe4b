"""The official Ark SDK pointed at `seedance-preflight serve`: a bad request
raises the SDK's own 400 error naming the rule; a good one returns the
upstream's task id. Run by tests/it/serve.rs with the proxy's base URL."""

import sys

from volcenginesdkarkruntime import Ark

base = sys.argv[1]
client = Ark(base_url=f"{base}/api/v3", api_key="test-key", max_retries=0, timeout=20)
content = [{"type": "text", "text": "A lighthouse at dusk, slow aerial orbit"}]

try:
    client.content_generation.tasks.create(
        model="doubao-seedance-2-0-260128", content=content, duration=16
    )
except Exception as e:  # the SDK's ArkBadRequestError
    status = getattr(e, "status_code", None)
    text = str(e)
    assert status == 400, (type(e), status, text)
    assert "REQ006" in text, text
    assert "InvalidParameter" in text or getattr(e, "code", None) == "InvalidParameter", text
    print("rejected:", type(e).__name__)
else:
    raise SystemExit("the bad request was not refused")

task = client.content_generation.tasks.create(
    model="doubao-seedance-2-0-260128", content=content, duration=5
)
assert task.id == "cgt-20261204-upstream", task
print("accepted:", task.id)
