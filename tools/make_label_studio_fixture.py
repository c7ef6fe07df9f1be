"""Make tests/fixtures/label_studio_export.json with a real Label Studio (not run in CI).

    python3 -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio label-studio-sdk
    .venv/bin/python tools/make_label_studio_fixture.py --label-studio /tmp/ls-venv/bin/label-studio \
        [--ner runs/mini/model]

It writes a few short Arabic texts (one with emoji and diacritics), tags them with
``python -m train tag --format label-studio``, starts Label Studio on 127.0.0.1 with a throw-away data
folder, creates a project with data/label_studio.xml, imports the tasks with their predictions,
turns the predictions into annotations (Label Studio's own "predictions to annotations" action), then
plays an annotator through the API: corrects one task, cancels a newer annotation of another, leaves
one task unlabelled; exports the project as JSON, writes the fixture and stops the server. Only the
standard library is used here; Label Studio runs from its own environment.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # a throw-away server on 127.0.0.1 only
TEXTS = [
    # emoji outside the BMP before the spans, and diacritics inside them
    ("emoji-diacritics", "🎉 وصلَ الرئيسُ المصريُّ إلى القاهرةِ يومَ الخميسِ 👍 مع نحو 300 شخصٍ من الوفدِ."),
    ("health", "قالت وزارة الصحة في عمّان إن 1200 مريض غادروا المستشفيات خلال الأسبوع الماضي."),
    ("economy", "أعلنت شركة أرامكو السعودية أرباحا بلغت 30 مليار دولار في عام 2022."),
    ("unlabelled", "وصل 50 لاجئا إلى بيروت يوم الأحد."),
]


def api(base: str, method: str, path: str, body: object = None) -> object:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def wait_until_up(base: str, server: subprocess.Popen, seconds: int = 600) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Label Studio exited with {server.returncode}; see its log")
        try:
            urllib.request.urlopen(base + "/health", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(3)
    raise SystemExit("Label Studio did not answer in time")


def tag(work: Path, ner: str | None) -> list[dict]:
    articles = work / "articles.jsonl"
    articles.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in TEXTS))
    tasks = work / "tasks.json"
    command = [sys.executable, "-m", "train", "tag", str(articles), "--format", "label-studio", "-o", str(tasks)]
    subprocess.run(command + (["--ner", ner] if ner else []), check=True, cwd=ROOT)
    return json.loads(tasks.read_text())


def annotate(base: str, project: int) -> None:
    """What an annotator does: accept the predictions, correct one task, cancel a later try on another."""
    tasks = {t["data"]["id"]: t for t in api(base, "GET", f"/api/tasks?project={project}&fields=all&page_size=100")["tasks"]}
    ids = [tasks[name]["id"] for name, _ in TEXTS if name != "unlabelled"]
    api(
        base,
        "POST",
        f"/api/dm/actions?id=predictions_to_annotations&project={project}",
        {"selectedItems": {"all": False, "included": ids}, "project": str(project)},
    )
    economy = api(base, "GET", f"/api/tasks/{tasks['economy']['id']}")
    text = economy["data"]["text"]
    corrected = [r for r in economy["annotations"][0]["result"] if r["from_name"] == "claims"]
    for surface, label in (("أرامكو السعودية", "ORG"),):  # the annotator adds an entity the model missed
        start = text.index(surface)
        corrected.append(
            {
                "id": "manual-1",
                "from_name": "ner",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {"start": start, "end": start + len(surface), "text": surface, "labels": [label]},
            }
        )
    api(base, "POST", f"/api/tasks/{tasks['economy']['id']}/annotations", {"result": corrected, "was_cancelled": False})
    api(base, "POST", f"/api/tasks/{tasks['health']['id']}/annotations", {"result": [], "was_cancelled": True})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label-studio", default="/tmp/ls-venv/bin/label-studio", help="the label-studio command")
    parser.add_argument("--ner", help="an NER model folder for the predictions (default: none, rules for claims)")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--output", default=str(ROOT / "tests" / "fixtures" / "label_studio_export.json"))
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory(prefix="ls-fixture-") as tmp:
        work = Path(tmp)
        tasks = tag(work, args.ner)
        env = {**os.environ, "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "LABEL_STUDIO_COLLECT_ANALYTICS": "false"}
        command = [args.label_studio, "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(args.port)]
        command += ["--data-dir", str(work / "data"), "--username", "annotator@example.com", "--password", "fixture-only"]
        command += ["--user-token", TOKEN, "--enable-legacy-api-token"]
        with open(work / "server.log", "w") as log:
            server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=work, env=env)
        try:
            wait_until_up(base, server)
            config = (ROOT / "data" / "label_studio.xml").read_text(encoding="utf-8")
            project = api(base, "POST", "/api/projects", {"title": "arabic ner and claims", "label_config": config})["id"]
            api(base, "POST", f"/api/projects/{project}/import", tasks)
            annotate(base, project)
            export = api(base, "GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
        except BaseException:
            print((work / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=60)
    Path(args.output).write_text(json.dumps(export, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(export)} tasks exported to {args.output}")


if __name__ == "__main__":
    main()
