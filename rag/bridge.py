"""A cross-lingual lexical bridge: words of a question mapped onto words the sources actually use.

BM25 cannot match an English question against Arabic text. USE-multilingual, trained on translation
pairs, places a word near its translations, so every distinct word of the stored documents is
embedded once (at ingestion) into a `vocab` collection, and an English question's content words are
looked up there: "charter" finds "ميثاق", "avoid" finds "لتجنب"; names are matched by their consonants
("Mukushev" finds "موكوشيف", rag.translit). A word is embedded as the text spells it ("دائمة": its
normalised form "دايمه" is far from "permanent") and, where normalising changes it, as normalised too
(names: "الماتي" is nearer "Almaty" than "ألماتي"); it is found by the closer vector. A match must also beat
both words' usual neighbours (CSLS, `pick_translations`): "hubs" such as "منصة" or "على" sit near every
English word and would translate "make" or "take". Those source words, plus the question's numbers, become
the BM25 query for questions in the other script (and vice versa for Arabic questions over English
documents), the translations of one question word counting once. Misses cost nothing: an unmatched word
adds no term. Where the word vectors translate badly (verbs and abstract nouns: "division" is nowhere near
"الانقسام"), a small English-Arabic lexicon shipped as data (rag/data/lexicon_en_ar.tsv) adds the source words
of the same stem as its translations; and an Arabic question word found in a set of near-synonyms
(rag/data/synonyms_ar.tsv: "ينقص", "الافتقار") also searches the source words of its set.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import resources
from typing import Any

from rag.text import STOPWORDS, acronyms, is_arabic_script, normalize, spelled_out, strip_marks, tokens
from rag.translit import MIN_CONSONANTS, SkeletonIndex, latin_skeleton, name_phrases, name_words

log = logging.getLogger(__name__)

VOCAB_VERSION = "3"  # bump when the words or their vectors change (spellings, hubness): all embedded again
THRESHOLD = 0.6  # USE cosine for a word to count as a translation (dev set: 0.55-0.7 all help)
PER_WORD = 2  # source words kept per question word
HUB_K = 10  # neighbours averaged for hubness (CSLS, Conneau et al. 2018)
HUB_REFERENCE = 5000  # the other script's commonest words a source word's hubness is measured against
CSLS_MIN = 0.05  # 741 questions, English recall: 0 -> 253, 0.03 -> 256, 0.05 -> 257, 0.07 -> 256, 0.1 -> 254 /283
MIN_WORDS = 50  # bridge only into a script the sources hold real text in (not a few acronyms)
_WORD = re.compile(r"[^\W\d_]{3,}")
# Question and filler words that never carry the topic (English; Arabic ones are in STOPWORDS).
_FILLER = frozenset(
    [
        "according",
        "article",
        "also",
        "any",
        "between",
        "both",
        "each",
        "either",
        "many",
        "much",
        "other",
        "same",
        "some",
        "such",
        "very",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "describe",
        "described",
        "give",
        "given",
        "kind",
        "mean",
        "means",
    ]
)


def script(word: str) -> str:
    """ "ar" for Arabic-script words, "latin" for the rest."""
    return "ar" if is_arabic_script(word) else "latin"


def spellings(text: str) -> dict[str, str]:
    """The distinct content words of a text (at least 3 letters, no stop words): each normalised word, the key
    words are matched by, with the spelling the text first gives it, the one to embed. Word vectors need the
    letters as written: "دائمة" is near "permanent" (USE cosine 0.84), its folded form "دايمه" is not (0.24)."""
    out: dict[str, str] = {}
    for raw in _WORD.findall(strip_marks(text)):
        key = normalize(raw)
        if key not in out and key not in STOPWORDS and key not in _FILLER:
            out[key] = raw.casefold()
    return out


def words(text: str) -> set[str]:
    """The distinct content words of a text (normalised, at least 3 letters, no stop words)."""
    return set(spellings(text))


def add_document_words(store: Any, doc_id: str, text: str, second: Any, *, again: bool = False) -> int:
    """Embed the document's words that the vocabulary lacks (all its words when `again`: vectors of an older
    VOCAB_VERSION); mark the document done. Returns the number of words embedded."""
    added = add_words(store, [text], second, again=again)
    store.mark_vocabulary(doc_id, VOCAB_VERSION)
    return added


def add_words(store: Any, texts: list[str], second: Any, *, again: bool = False) -> int:
    """Embed the words of several documents' texts that the vocabulary lacks (all of them when `again`), with one
    read of the vocabulary and one write: a word two documents share is embedded once, in the spelling of the
    first, as if they were added one after the other. The caller records the documents as done (VOCAB_VERSION).
    Returns the number of words embedded."""
    import numpy as np

    per_text = [spellings(t) for t in texts]
    union = sorted(set().union(*per_text))
    have = set() if again else set(union) - set(store.missing_words(union))
    cache = _model_cache(store)
    words: list[str] = []
    flags: list[bool] = []
    scripts: list[str] = []
    hubs: list[float] = []
    vectors: list[Any] = []
    added = 0
    for spelled in per_text:  # embedded in the batches of one document at a time (the same vectors, bit for bit)
        todo = sorted(spelled) if again else [w for w in sorted(spelled) if w not in have]
        have.update(todo)
        added += len(todo)
        for i in range(0, len(todo), 512):
            part = todo[i : i + 512]
            folded = [w for w in part if spelled[w] != w]
            for batch, embed, as_folded in ((part, [spelled[w] for w in part], False), (folded, folded, True)):
                if batch:
                    v, s = second.encode(embed), [script(w) for w in batch]
                    words += batch
                    flags += [as_folded] * len(batch)
                    scripts += s
                    hubs += hubness(v, s, second, cache)
                    vectors.append(v)
    if words:
        store.add_words(words, np.concatenate(vectors), scripts, hubs, folded=flags)
    return added


def _model_cache(store: Any) -> Any:
    """The model cache folder of the store's settings (where the USE snapshot lives), or None."""
    from pathlib import Path

    settings = getattr(store, "settings", None)
    model_dir = getattr(settings, "model_dir", None)
    return Path(model_dir).expanduser().parent if model_dir else None


_REFERENCE: dict[tuple[int, str], Any] = {}
_FINGERPRINT = 8  # reference words encoded afresh to check a stored reference is this encoder's


def _reference(second: Any, script: str, cache: Any) -> Any:
    """The USE vectors of the script's HUB_REFERENCE commonest words (None when the encoder lists too few), once
    per process; kept beside the USE snapshot (rag.use_snapshot) when `cache` is a folder, keyed by the words and
    checked against a fresh encoding of the first few: another process reads them instead of encoding them."""
    import hashlib

    import numpy as np

    from rag.use_snapshot import cached_array

    common: list[str] = getattr(second, "common_words", lambda *_: [])(script, HUB_REFERENCE)
    if len(common) < HUB_K:
        return None
    digest = hashlib.sha1("\n".join(common).encode()).hexdigest()[:16]
    stored = cached_array(cache, f"hub-reference-{script}-{digest}", lambda: second.encode(common))
    fresh = second.encode(common[:_FINGERPRINT])
    if stored.shape[0] == len(common) and np.allclose(stored[:_FINGERPRINT], fresh, atol=1e-5):
        return stored
    return second.encode(common)  # a stored reference of another encoder


def hubness(vectors: Any, scripts: list[str], second: Any, cache: Any = None) -> list[float]:
    """Each word vector's mean cosine to its HUB_K nearest among the other script's commonest words. A "hub"
    (a function word like "على", a vague one like "منصة") is near every word of the other language and would
    pass for the translation of "make", "take" or "well"; its hubness is high, a real word's is low. `cache`: the
    model cache folder where the reference vectors are kept (`_reference`)."""
    import numpy as np

    out = np.zeros(len(scripts))
    for own in set(scripts):
        other = "latin" if own == "ar" else "ar"
        key = (id(second), other)
        if key not in _REFERENCE:
            _REFERENCE[key] = _reference(second, other, cache)
        reference = _REFERENCE[key]
        rows = [i for i, s in enumerate(scripts) if s == own]
        if reference is not None:
            sims = vectors[rows] @ reference.T  # the HUB_K largest, in ascending order as a full sort leaves them
            out[rows] = np.sort(np.partition(sims, -HUB_K, axis=1)[:, -HUB_K:], axis=1).mean(axis=1)
    return [float(h) for h in out]


def pick_translations(neighbours: list[tuple[str, float, float]]) -> list[str]:
    """The source words that translate a question word, from its nearest vocabulary words (word, cosine,
    hubness): close enough (THRESHOLD), and closer than both words' usual neighbours (CSLS: 2 cos - the
    question word's mean cosine to its neighbours - the source word's hubness >= CSLS_MIN), the best PER_WORD.
    "make" is 0.71 from "منصة" but both are near everything (CSLS -0.1); "charter" -> "ميثاق" scores 0.49."""
    if not neighbours:
        return []
    density = sum(sim for _, sim, _ in neighbours) / len(neighbours)
    scored = sorted(((2 * sim - density - hub, w) for w, sim, hub in neighbours if sim >= THRESHOLD), reverse=True)
    return [w for csls, w in scored if csls >= CSLS_MIN][:PER_WORD]


def ensure_vocabulary(store: Any, second: Any) -> int:
    """Give every stored document lacking it its vocabulary (stores made before the bridge existed)."""
    if second is None:
        return 0
    todo = [d for d, m in store.document_meta().items() if m.get("vocab") != VOCAB_VERSION and m.get("complete")]
    added = 0
    for doc_id in todo:
        doc = store.document(doc_id)
        if doc is not None:
            added += add_document_words(store, doc_id, doc.text, second, again=True)
    if todo:
        log.info("vocabulary: %d words embedded for %d document(s)", added, len(todo))
    return added


def _nearest(asked: dict[str, str], store: Any, second: Any, other: str) -> dict[str, list[str]]:
    """Each word's source words in the other script that translate it (`pick_translations`); `asked` maps each
    normalised word to its spelling (`spellings`)."""
    keys = list(asked)
    found = store.nearest_words(second.encode([asked[k] for k in keys]), HUB_K, other)
    return {a: pick_translations(ws) for a, ws in zip(keys, found, strict=False)}


def _latin_words(store: Any) -> set[str]:
    """The vocabulary's Latin-script words (stored normalised), read once per store generation."""
    return store.per_generation("words:latin", lambda: set(store.vocabulary("latin")))


def _skeletons(store: Any) -> SkeletonIndex:
    """The Arabic source words by consonant skeleton, built once per store generation."""
    return store.per_generation("skeletons:ar", lambda: SkeletonIndex(store.vocabulary("ar")))


def _pairs(forms: list[str]) -> tuple[tuple[str, str], ...]:
    """Each Arabic form as (stem, core): the core is the normalised word without "ال" and a final ه, which a
    source word of that stem must hold ("ألغى" and "بالغة" share the light stem "الغ"; only "ألغى" holds "الغي")."""
    words = [normalize(f) for f in forms if f.strip() and " " not in f.strip()]
    return tuple(dict.fromkeys((t, w.removeprefix("ال").removesuffix("ه")) for w in words for t in tokens(w)))


def _data_lines(name: str) -> list[str]:
    text = (resources.files("rag") / "data" / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def lexicon() -> dict[str, tuple[tuple[str, str], ...]]:
    """English word -> its Arabic translations as (stem, core) pairs, from the shipped lexicon
    (rag/data/lexicon_en_ar.tsv): the verbs and abstract nouns the word vectors translate badly ("avoid" is near
    "لتجنب", "division" is not near "الانقسام")."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for line in _data_lines("lexicon_en_ar.tsv"):
        english, _, arabic = line.partition("\t")
        out[english.strip().lower()] = _pairs(arabic.split("|"))
    return out


@functools.cache
def synonym_sets() -> tuple[tuple[tuple[str, str], ...], ...]:
    """Sets of Arabic near-synonyms as (stem, core) pairs, from rag/data/synonyms_ar.tsv ("نقص", "افتقار")."""
    return tuple(_pairs(line.split("|")) for line in _data_lines("synonyms_ar.tsv"))


def _by_stem(store: Any) -> dict[str, list[str]]:
    """The Arabic source words by their stem (rag.text.tokens), built once per store generation."""

    def build() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for w in store.vocabulary("ar"):
            for t in tokens(w):
                out.setdefault(t, []).append(w)
        return out

    return store.per_generation("stems:ar", build)


def _source_words(pairs: tuple[tuple[str, str], ...], store: Any) -> list[str]:
    """The source words of each pair's stem that hold its core."""
    index = _by_stem(store) if pairs else {}
    return sorted({w for stem, core in pairs for w in index.get(stem, []) if core in w})


def synonym_groups(question: str, store: Any) -> list[list[str]]:
    """For each Arabic content word of the question in a synonym set, the word with the source words of its
    set (BM25 counts a group once): "ما الذي ينقص المنظمة" also searches "الافتقار"."""
    groups = []
    for word in spellings(question):
        if script(word) != "ar":
            continue
        stem = tokens(word)
        if not stem:
            continue
        found = [p for ps in synonym_sets() if any(t == stem[0] and c in word for t, c in ps) for p in ps]
        others = [w for w in _source_words(tuple(found), store) if tokens(w) != stem]
        if others:
            groups.append([word, *others])
    return groups


def _english_forms(word: str) -> list[str]:
    """The word and its likely bare forms ("obstacles" -> "obstacle", "hinders" -> "hinder", "turned" -> "turn")."""
    out = [word]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)] + repl)
    return out


# Derivational endings: "dedicated" and "dedication" share "dedicat", "geopolitics" and "geopolitical" "geopolit".
_DERIVED = ("ational", "ation", "ities", "ical", "ity", "ics", "ion", "ive", "ic", "al", "ed", "es", "s")


def _english_stems(word: str) -> set[str]:
    """The word without each derivational ending it has, keeping at least five letters ("dedication" ->
    "dedic", "dedicat"): two words are of one family when their stems meet."""
    return {word[: -len(e)] for e in _DERIVED if word.endswith(e) and len(word) - len(e) >= 5} | {word}


@functools.cache
def _lexicon_by_stem() -> dict[str, tuple[tuple[str, str], ...]]:
    """The lexicon keyed by each of its words' `_english_stems` (the first entry of a stem wins)."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for english, pairs in lexicon().items():
        for stem in _english_stems(english):
            out.setdefault(stem, pairs)
    return out


def lexicon_words(word: str, store: Any) -> list[str]:
    """The source words the lexicon gives for an English word (or, failing its inflected forms, for a word
    derived from the same stem: "dedicated" -> "dedication"): of the same stem as a translation, and holding
    its letters (`_pairs`)."""
    table = lexicon()
    found = next((table[f] for f in _english_forms(word) if f in table), None)
    if found is None:
        by_stem = _lexicon_by_stem()
        found = next((by_stem[f] for f in sorted(_english_stems(word)) if f in by_stem), ())
    return _source_words(found, store)


def translate(question: str, store: Any, second: Any) -> list[str]:
    """Source words (in the other script) that translate the question's content words."""
    return [w for ws in translate_grouped(question, store, second) for w in ws]


def translate_grouped(question: str, store: Any, second: Any) -> list[list[str]]:
    """`translate`, the source words grouped by the question word (or name) they translate."""
    if second is None:
        return []
    own = script(question)
    other = "latin" if own == "ar" else "ar"
    # Acronyms have no word vector worth the name: "SCO" lands near "القوة", "منصة" (the sentences naming the
    # organisation are found by the other words and by e5, which reads the acronym spelled out).
    skip = acronyms(question)
    asked = {w: s for w, s in sorted(spellings(question).items()) if script(w) == own and w not in skip}
    if not store.has_words(other, MIN_WORDS):  # e.g. Arabic questions, Arabic sources
        return []
    if own == "latin" and skip:  # a known acronym the sources never write: its words ("UN" -> "United Nations")
        latin = _latin_words(store)
        for a in sorted(skip):
            if a not in latin and (full := spelled_out(a)):
                asked.update({w: s for w, s in spellings(full).items() if w not in asked})
    if not asked:
        return []
    hits = _nearest(asked, store, second, other)
    if own != "latin":
        return [ws for ws in hits.values() if ws]
    for a in asked:  # the shipped lexicon's translations as well ("division" -> "الانقسام", "obstacle" -> "عائقا")
        extra = [w for w in lexicon_words(a, store) if w not in hits.get(a, [])]
        if extra:
            hits[a] = [*hits.get(a, []), *extra]
    # names the word vectors do not know: "Mukushev" -> "موكوشيف" (rag.translit)
    names = _skeletons(store)
    if question == question.lower():  # "who is murat mukushev": a long word spelling a source word is a name,
        for a in asked:  # and its spelling outweighs a loose vector match ("mukushev" ~ "شهاده")
            spelled = names.spellings(a) if len(latin_skeleton(a)[0]) > MIN_CONSONANTS else []
            if spelled:
                hits[a] = spelled
    # A name the text spells means that spelling, where the word vectors found nothing or a loose match
    # ("according to Mukushev" ~ "شهاده", testimony -> "موكوشيف"); one they translate stays ("Kazakhstan").
    unasked = []
    for n in name_words(question):
        spelled, key = names.spellings(n), normalize(n)
        if spelled and not set(spelled) & set(hits.get(key, [])):
            if key in hits:
                hits[key] = spelled
            else:
                unasked.append(spelled)
    return [ws for ws in [*hits.values(), *unasked] if ws]


def word_translations(asked: list[str], store: Any, second: Any) -> dict[str, list[str]]:
    """Each English word's Arabic source words (as `translate` finds them), for checks that must match a
    phrase of the question word by word ("who chairs the Business Council")."""
    asked = [w for w in asked if script(w) == "latin"]
    if second is None or not asked or not store.has_words("ar", MIN_WORDS):
        return {}
    return _nearest({w: w for w in asked}, store, second, "ar")


def spelled_names(question: str, store: Any) -> list[str]:
    """Source words spelling the names of an English question ("Zaman Bajwa" -> "زمان", "باجوا")."""
    if not store.has_words("ar", MIN_WORDS):
        return []
    names = _skeletons(store)
    return names.lookup(question)


SPEAKER_THRESHOLD = 0.75


def unknown_names(question: str, store: Any, second: Any, speaker: str | None = None) -> list[str]:
    """Names in an English question that no source spells or translates ("Vladimir Putin", "Indian"): a
    run of capitalised words counts only when none of its words is known, so "the Golden Horde" (Golden
    translates) and "the SCO Secretariat" pass. A question written all in lower case has no capitals to tell
    its names: there the words of `speaker` (whose words it asks for: "what did xi jinping say") are judged,
    a word known only by a clear translation (SPEAKER_THRESHOLD: "coordinator" -> "المنسق" 0.81; the word
    vectors put any unknown word near some Arabic word at 0.6-0.7). Nothing is judged without the second
    encoder's vocabulary."""
    phrases = name_phrases(question)
    bar = dict.fromkeys((w for p in phrases for w in p), THRESHOLD)
    if speaker and question == question.lower() and question.isascii():
        words = [w for w in re.findall(r"[a-z]+", speaker) if w not in STOPWORDS and w not in _FILLER]
        phrases = phrases + ([words] if words else [])
        bar.update(dict.fromkeys(words, SPEAKER_THRESHOLD))
    if second is None or not phrases or not store.has_words("ar", MIN_WORDS):
        return []
    latin = _latin_words(store)
    names = _skeletons(store)
    flat = set(bar)
    known = {w for w in flat if normalize(w) in latin or names.spellings(w)}
    rest = sorted(flat - known)  # only these need the word vectors
    if rest:
        found = store.nearest_words(second.encode([normalize(w) for w in rest]), 1, "ar")
        known |= {w for w, near in zip(rest, found, strict=False) if near and near[0][1] >= bar[w]}
    return [" ".join(p) for p in phrases if not known & set(p)]
