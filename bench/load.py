"""Load benchmark: concurrent API clients against a real `rag chat`, with and without an ingestion running.

    .venv/bin/python -m bench.load                    # single, then 16 clients x 6 questions, quiet and ingest
    .venv/bin/python -m bench.load --clients 8 --questions 3 --scenarios quiet

A `rag chat` with default settings (both encoders, extractive answers) starts on a free port over a new store
holding the bundled article (ingested when the chat starts, as on a first run). Each client is its own HTTP client
of Gradio's REST API (`--client gradio_client`: a gradio_client.Client), in its own thread, asking its questions one
after another through `/ask` (the whole Answer as JSON); all clients start together, and no two requests ask the
same question (the article's eval questions, Arabic and English in turn). "single" is one client asking 12 in turn:
the machine's speed at that moment (it is shared), to read the others against. "ingest" also runs `rag ingest` of a
new document (eval/dev's Uzbekistan article, then the next one on a second round) into the same store from another
process while the clients ask. Printed per scenario: clients, requests, failures, p50/p95/max latency seen by the
clients, wall time, and the chat server's CPU time per request (user + system: what the machine's other work does
not change much; the ingesting process's is not counted); failures are listed (first lines), and the server log's
tracebacks and warnings. Also printed: the machine's load average when the scenario starts, the CPU the clients
themselves used (they run in this process, on the same 2 cores as the server) and the ingesting process's CPU and
wall time; `--ingest-nice N` starts `rag ingest` at that niceness (what a lower-priority ingestion leaves the
serving chat). Never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
WARM = "متى عقد اجتماع مجلس رؤساء الدول؟"


def questions() -> list[str]:
    """The article's eval questions, each once, languages interleaved (no request repeats another's question:
    nothing is answered from a cache)."""
    import json

    seen: dict[str, list[str]] = {"ar": [], "en": []}
    for path in sorted((ROOT / "eval" / "article").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                q = item["question"]
                if q not in seen["ar"] and q not in seen["en"] and q != WARM:
                    seen["ar" if item.get("language") == "ar" else "en"].append(q)
    return [q for pair in zip(seen["ar"], seen["en"], strict=False) for q in pair]


NEW_DOCUMENTS = [ROOT / "eval" / "dev" / "docs" / n for n in ("en_uzbekistan_economy.md", "ar_middle_corridor.md")]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chat(env: dict[str, str], log: Path, timeout: float = 600) -> tuple[subprocess.Popen, str]:
    """`rag chat` on a free port; returns once it answers a question (the article is stored by then)."""
    from gradio_client import Client

    port = _free_port()
    cmd = [sys.executable, "-m", "rag.cli", "chat", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"rag chat exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("rag chat did not start") from None
            time.sleep(0.5)
    Client(url, verbose=False).predict(WARM, api_name="/ask")  # warm: models loaded, index synced
    return proc, url


class RestClient:
    """Gradio's REST API (`POST /gradio_api/call/<api>`, then the result's event stream), as `curl` would call
    it: the same queue and handler as gradio_client, without its polling threads. gradio_client costs ~85 ms of
    CPU per request on this machine against ~5 ms for this, and the clients share the 2 cores with the server."""

    def __init__(self, url: str) -> None:
        import httpx

        self.url = url
        self.http = httpx.Client(timeout=300)

    def predict(self, question: str, api_name: str) -> object:
        import json

        r = self.http.post(f"{self.url}/gradio_api/call{api_name}", json={"data": [question]})
        r.raise_for_status()
        event = ""
        with self.http.stream("GET", f"{self.url}/gradio_api/call{api_name}/{r.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "complete":
                    return json.loads(line[5:])[0]
                elif line.startswith("data:") and event == "error":
                    raise RuntimeError(f"the app raised an error: {line[5:].strip()[:200]}")
        raise RuntimeError(f"the event stream ended without a result (last event {event!r})")


def run_clients(
    url: str, clients: int, questions: int, pool: list[str], kind: str = "rest"
) -> tuple[list[float], list[str], float]:
    """`clients` threads, each its own client (`kind`: "rest" or "gradio_client") asking `questions` questions of
    the pool in turn; all start together."""
    from gradio_client import Client

    make = RestClient if kind == "rest" else lambda url: Client(url, verbose=False)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        try:
            api = make(url)
        except Exception as exc:  # a client that cannot even connect: all its questions failed
            ready.wait()
            with lock:
                failures.extend([f"connect: {type(exc).__name__}: {exc}"] * questions)
            return
        ready.wait()
        for j in range(questions):
            q = pool[(i * questions + j) % len(pool)]
            t = time.perf_counter()
            try:
                out = api.predict(q, api_name="/ask")
                ok = isinstance(out, dict) and "text" in out
                why = "" if ok else f"unexpected reply {str(out)[:100]}"
            except Exception as exc:
                why = f"{type(exc).__name__}: {str(exc)[:200]}"
            with lock:
                (failures.append(why) if why else latencies.append(time.perf_counter() - t))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    ready.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return latencies, failures, time.perf_counter() - t0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scenario(
    url: str,
    env: dict[str, str],
    name: str,
    clients: int,
    questions: int,
    round_: int,
    pool: list[str],
    pid: int,
    nice: int = 0,
    kind: str = "rest",
) -> dict:
    """One scenario: "single" (one client, the machine's speed right now), "quiet", or "ingest"."""
    if name == "single":
        clients, questions = 1, 12
    ingest, err = None, bytearray()
    if name == "ingest":
        doc = NEW_DOCUMENTS[round_ % len(NEW_DOCUMENTS)]
        cmd = [sys.executable, "-m", "rag.cli", "ingest", str(doc)]
        if nice:
            cmd = ["nice", "-n", str(nice), *cmd]
        started = time.perf_counter()
        ingest = subprocess.Popen(  # the niceness is the bench's alone: rag ingest's own (RAG_INGEST_NICE) is off
            cmd, env={**env, "RAG_INGEST_NICE": "0"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        embedding = threading.Event()

        def watch(stream: IO[bytes]) -> None:  # the progress bar shows once the models are loaded
            while chunk := os.read(stream.fileno(), 4096):
                err.extend(chunk)
                if b"embedding" in err:
                    embedding.set()
            embedding.set()

        threading.Thread(target=watch, args=(ingest.stderr,), daemon=True).start()
        embedding.wait(300)  # the clients ask while it embeds and writes, not while it loads its models
    load = os.getloadavg()[0]
    cpu, own = _cpu_seconds(pid), time.process_time()
    lat, failures, wall = run_clients(url, clients, questions, pool, kind)
    cpu, own = _cpu_seconds(pid) - cpu, time.process_time() - own
    ingest_note = ""
    if ingest is not None:
        t = time.perf_counter()
        _, status, usage = os.wait4(ingest.pid, 0)
        ingest.returncode = os.waitstatus_to_exitcode(status)
        ingest_note = (
            f"ingest (nice {nice}) exit {ingest.returncode}, wall {time.perf_counter() - started:.1f} s, "
            f"CPU {usage.ru_utime + usage.ru_stime:.1f} s (ended {time.perf_counter() - t:.1f} s after the clients)"
        )
        if ingest.returncode:
            ingest_note += f": {err.decode(errors='replace').strip()[-300:]}"
    return {
        "scenario": name,
        "clients": clients,
        "requests": clients * questions,
        "failures": len(failures),
        "p50": _pct(lat, 0.5),
        "p95": _pct(lat, 0.95),
        "max": max(lat, default=float("nan")),
        "wall": wall,
        "cpu_ms": cpu / (clients * questions) * 1e3,
        "client_cpu_ms": own / (clients * questions) * 1e3,
        "load": load,
        "note": ingest_note,
        "failed": failures[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--questions", type=int, default=6, help="questions per client")
    parser.add_argument("--scenarios", default="single,quiet,ingest", help="comma-separated: single, quiet, ingest")
    parser.add_argument("--rounds", type=int, default=1, help="times each scenario runs")
    parser.add_argument(
        "--ingest-nice",
        type=int,
        default=None,
        help="niceness of the concurrent `rag ingest` (default: RAG_INGEST_NICE's, what `rag ingest` runs at)",
    )
    parser.add_argument(
        "--client",
        choices=["rest", "gradio_client"],
        default="rest",
        help="the clients' library: Gradio's REST API over httpx, or gradio_client (~85 ms CPU per request itself)",
    )
    args = parser.parse_args(argv)
    if args.ingest_nice is None:
        from rag.settings import Settings

        args.ingest_nice = Settings().ingest_nice
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": str(ROOT),
    }
    with tempfile.TemporaryDirectory(prefix="rag-load-") as tmp:
        env["RAG_STORE_DIR"] = str(Path(tmp) / "store")
        log = Path(tmp) / "chat.log"
        t = time.perf_counter()
        proc, url = start_chat(env, log)
        print(f"rag chat ready at {url} in {time.perf_counter() - t:.0f} s (article ingested, first answer given)")
        rows = []
        pool = questions()
        try:
            for r in range(args.rounds):
                for name in args.scenarios.split(","):
                    pool = pool[args.clients * args.questions :] + pool[: args.clients * args.questions]  # fresh ones
                    row = scenario(
                        url, env, name, args.clients, args.questions, r, pool, proc.pid, args.ingest_nice, args.client
                    )
                    rows.append(row)
                    print(
                        f"{row['scenario']:>7}: {row['clients']} clients, {row['requests']} requests, "
                        f"{row['failures']} failed, p50 {row['p50']:.2f} s, p95 {row['p95']:.2f} s, "
                        f"max {row['max']:.2f} s, wall {row['wall']:.1f} s, server CPU {row['cpu_ms']:.0f} ms/request, "
                        f"clients' ({args.client}) CPU {row['client_cpu_ms']:.0f} ms/request, load {row['load']:.1f} "
                        f"{row['note']}",
                        flush=True,
                    )
                    for f in row["failed"]:
                        print(f"         failed: {f}")
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        lines = log.read_text().splitlines()
        tracebacks = sum("Traceback" in line for line in lines)
        raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]  # a traceback's last line
        warnings = [line for line in lines if line.startswith(("WARNING", "ERROR"))]
        print(f"server log: {tracebacks} tracebacks, {len(warnings)} warnings/errors")
        for line in [*dict.fromkeys(raised), *dict.fromkeys(warnings)][:8]:
            print(f"  {line[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
