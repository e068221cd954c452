import numpy as np

from rag.ranker import FEATURES, _gap, features, question_terms, shipped_model
from rag.schema import Chunk, Retrieved


def _r(text, source="a.md", score=1.0, lexical=0.0, section=""):
    c = Chunk(id=text[:8], source=source, text=text, start=0, end=len(text), paragraph=1, para_start=0,
              para_end=len(text), section=section)  # fmt: skip
    return Retrieved(chunk=c, score=score, lexical=lexical)


def test_the_shipped_model_matches_the_features_and_prefers_answering_sentences():
    model = shipped_model()
    assert model is not None and len(model.coef) == len(FEATURES)
    assert 0.0 < model.threshold < 1.0
    # a candidate closer to the question, holding the asked kind of value, scores higher
    head = [_r("The plant opened in March 2019.", score=0.5, lexical=3.0), _r("Tourism has grown.", score=0.2)]
    x = features(
        "When did the plant open?",
        head,
        e5=np.array([0.85, 0.80]),
        use=np.array([0.6, 0.3]),
        clause=[0.6, 0.2],
        align=[0.0, 0.0],
        terms=question_terms("When did the plant open?", []),
        idf={"plant": 2.0, "open": 1.0},
        asked_kind="date",
        has_kind=lambda kind, text: "2019" in text,
        doc_scores={"a.md": 0.8},
    )
    assert x.shape == (2, len(FEATURES))
    p = model.probability(x)
    assert p[0] > p[1]


def test_gaps_are_taken_within_each_script():
    # Arabic-English cosines sit lower than same-language ones: each is compared with the best of its own script
    gaps = _gap(np.array([0.9, 0.8, 0.6, 0.5]), [True, True, False, False])
    assert np.allclose(gaps, [0.0, -0.1, 0.0, -0.1])


def test_question_terms_group_each_words_translations():
    terms = question_terms("Who funded the corridor?", [["الممر", "ممر"]])
    assert any(
        len(forms) >= 1 and any("\u0600" <= ch <= "\u06ff" for f in forms for ch in f) for forms in terms.values()
    )
