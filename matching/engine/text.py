"""Tokenizer and exact TF-IDF text model for the matching engine (no LSA, no randomness).

The vocabulary is sorted, every document's vector depends only on its own words and on the
cohort's document frequencies (integer counts), so the model is the same whatever the order
of mentees and mentors.  Only terms used on *both* sides can contribute to a cosine, so the
stored vectors keep just those columns (normalised over all of the document's terms): their
dot product is the exact TF-IDF cosine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9+#]*")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just let like me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    really same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very want wants was we were what when where which
    while who whom why will with would you your yours yourself yourselves also get got help learn
    learning improve better work working use using year years new make become
    """.split()
)

_SINGLE_CHAR_TERMS = frozenset({"c", "r"})


def tokenize(text: str | None) -> list[str]:
    """Lower-case word tokens; drops stopwords and 1-char tokens (except c, r)."""
    if not text:
        return []
    return [
        tok
        for tok in _TOKEN_RE.findall(text.lower())
        if tok not in STOPWORDS and (len(tok) > 1 or tok in _SINGLE_CHAR_TERMS)
    ]


@dataclass
class TextModel:
    vocab: list[str]  # column -> term (terms used by both sides, sorted)
    idf: np.ndarray  # (V,) float64
    mentee_tfidf: sp.csr_matrix  # (N, V) float64, rows normalised over the whole document
    mentor_tfidf: sp.csr_matrix  # (M, V)

    def cosine(self, i, j) -> np.ndarray:
        """Exact TF-IDF cosine for pairs (vectorised, sparse)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        if len(i) == 0:
            return np.zeros(0)
        prod = self.mentee_tfidf[i].multiply(self.mentor_tfidf[j])
        return np.asarray(prod.sum(axis=1)).ravel()

    def shared_terms(self, i: int, j: int, limit: int = 5) -> list[str]:
        """Terms contributing most to the cosine of (i, j) (ties: alphabetical)."""
        prod = self.mentee_tfidf[i].multiply(self.mentor_tfidf[j]).tocoo()
        if prod.nnz == 0:
            return []
        order = np.lexsort((prod.col, -prod.data))[:limit]
        return [self.vocab[c] for c in prod.col[order]]


def _vectors(docs: list[list[str]], col: dict[str, int], idf_of, width: int) -> sp.csr_matrix:
    """Sublinear-tf x idf vectors over the shared columns, L2-normalised over every term."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for toks in docs:  # loop over documents (build time only)
        counts = Counter(toks)
        weights = {t: (1.0 + math.log(c)) * idf_of[t] for t, c in sorted(counts.items())}
        norm = math.sqrt(math.fsum(w * w for w in weights.values())) or 1.0
        kept = sorted((col[t], w / norm) for t, w in weights.items() if t in col)
        indices.extend(c for c, _ in kept)
        data.extend(w for _, w in kept)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(docs), width),
    )


def build_text_model(mentee_texts, mentor_texts) -> TextModel:
    mentee_tokens = [tokenize(t) for t in mentee_texts]
    mentor_tokens = [tokenize(t) for t in mentor_texts]
    df_a: Counter = Counter()
    for toks in mentee_tokens:
        df_a.update(set(toks))
    df_b: Counter = Counter()
    for toks in mentor_tokens:
        df_b.update(set(toks))
    n_docs = len(mentee_tokens) + len(mentor_tokens)
    idf_of = {t: math.log((1.0 + n_docs) / (1.0 + df_a.get(t, 0) + df_b.get(t, 0))) + 1.0 for t in df_a.keys() | df_b.keys()}
    vocab = sorted(df_a.keys() & df_b.keys())
    col = {t: c for c, t in enumerate(vocab)}
    xa = _vectors(mentee_tokens, col, idf_of, len(vocab))
    xb = _vectors(mentor_tokens, col, idf_of, len(vocab))
    idf = np.asarray([idf_of[t] for t in vocab], dtype=np.float64)
    return TextModel(vocab, idf, xa, xb)
