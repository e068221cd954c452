"""Conversations (issue 22): eval/dev/conversations.jsonl, 63 two- and three-turn conversations over the dev corpus
(Arabic, English and mixed; self-contained questions after another, pronoun follow-ups, topic switches between
documents), each row the last turn with its earlier user turns in `history`."""

import pytest

from tests.test_real import _gated_eval

pytestmark = pytest.mark.real


def test_the_conversations_hold(tmp_path):
    # Measured 2026-12-02 (the first run 43/63; after the follow-up changes): recall 0.70 (AR questions 0.58, EN
    # 0.78), precision 0.67, false abstentions 0.05; gates a little under it. Per kind (tags): standalone 14/15,
    # pronoun 22/35, switch 8/13.
    gates = [
        "citation_verbatim=1.0",
        "citation_recall=0.65",
        "ar.citation_recall=0.50",
        "en.citation_recall=0.72",
        "false_abstain_rate=0.08",
    ]
    _gated_eval(tmp_path, ["eval/dev/conversations.jsonl"], gates)
