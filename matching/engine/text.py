"""Tokenizer and exact TF-IDF text model for the matching engine (no LSA, no randomness).

The vocabulary is sorted, every document's vector depends only on its own words and on the
cohort's document frequencies (integer counts), so the model is the same whatever the order
of mentees and mentors.  Only terms used on *both* sides can contribute to a cosine, so the
stored vectors keep just those columns (normalised over all of the document's terms): their
dot product is the exact TF-IDF cosine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import scipy.sparse as sp

from .inputs import unique_sorted

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


_SEP = b"\x01"
# bytes.translate table: token characters stay, everything else (ASCII punctuation, and the "?"
# that every non-ASCII character was encoded to) becomes a space; the separator stays.
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789+#"
_TABLE = bytes(c if (bytes([c]) in _KEEP or bytes([c]) == _SEP) else 32 for c in range(256))


def _raw_tokens(texts) -> list[bytes]:
    """Every document's raw tokens (ASCII bytes), in one pass over the joined, lower-cased text,
    with a separator token between documents.  Same tokens as ``_TOKEN_RE`` on each document:
    a run of token characters is a token once its leading "+" / "#" are stripped."""
    docs = [t or "" for t in texts]
    text = " \x01 ".join(docs)
    if text.count("\x01") != max(len(docs) - 1, 0):  # a text holds the separator itself
        text = " \x01 ".join(t.replace("\x01", " ") for t in docs)
    joined = text.lower().encode("ascii", "replace").translate(_TABLE)
    tokens = joined.split()
    if joined.startswith((b"+", b"#")) or b" +" in joined or b" #" in joined:
        tokens = [t.lstrip(b"+#") if t[0] in b"+#" else t for t in tokens]
        tokens = [t for t in tokens if t]
    return tokens


def _token_ids(tokens: list[bytes], index: dict[bytes, int]):
    """(document of each kept token, term id of each kept token) from the joined token list."""
    lookup = dict(index)
    lookup[_SEP] = -2
    ids = np.fromiter(map(lookup.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
    doc = np.cumsum(ids == -2)  # _raw_tokens puts one separator between documents
    keep = ids >= 0
    return doc[keep], ids[keep]


def _term_counts(doc, ids, n_docs: int, n_terms: int):
    """Unique (document, term) entries sorted by document then term, and their counts."""
    key, tf = unique_sorted(doc * n_terms + ids, return_counts=True)
    return key // n_terms, key % n_terms, tf


def _vectors(d, t, tf, idf, col, n_docs: int) -> sp.csr_matrix:
    """Sublinear-tf x idf vectors over the shared columns, L2-normalised over every term.
    Per document, the squares are summed in term order: the same whatever the row order."""
    w = (1.0 + np.log(tf)) * idf[t]
    norm = np.sqrt(np.bincount(d, weights=w * w, minlength=n_docs))
    c = col[t]
    keep = c >= 0
    d, c, w = d[keep], c[keep], w[keep] / norm[d[keep]]
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(d, minlength=n_docs), out=indptr[1:])
    width = int(col.max()) + 1 if len(col) else 0
    return sp.csr_matrix((w, c, indptr), shape=(n_docs, max(width, 0)))


def build_text_model(mentee_texts, mentor_texts) -> TextModel:
    """Vectorised: one translate-and-split pass per side, then integer arrays (no per-token Python work
    beyond a dictionary lookup)."""
    mentee_texts, mentor_texts = list(mentee_texts), list(mentor_texts)
    tok_a, tok_b = _raw_tokens(mentee_texts), _raw_tokens(mentor_texts)
    raw_vocab = {t.decode("ascii") for t in (set(tok_a) | set(tok_b)) - {_SEP}}
    terms = sorted(t for t in raw_vocab if t not in STOPWORDS and (len(t) > 1 or t in _SINGLE_CHAR_TERMS))
    index = {t.encode("ascii"): c for c, t in enumerate(terms)}
    n_a, n_b, v = len(mentee_texts), len(mentor_texts), len(terms)
    da, ta, tfa = _term_counts(*_token_ids(tok_a, index), n_a, max(v, 1))
    db, tb, tfb = _term_counts(*_token_ids(tok_b, index), n_b, max(v, 1))
    df_a, df_b = np.bincount(ta, minlength=v), np.bincount(tb, minlength=v)
    idf_all = np.log((1.0 + n_a + n_b) / (1.0 + df_a + df_b)) + 1.0
    shared = np.flatnonzero((df_a > 0) & (df_b > 0))
    col = np.full(v, -1, dtype=np.int64)
    col[shared] = np.arange(len(shared))
    xa = _vectors(da, ta, tfa, idf_all, col, n_a)
    xb = _vectors(db, tb, tfb, idf_all, col, n_b)
    xa.resize((n_a, len(shared)))
    xb.resize((n_b, len(shared)))
    return TextModel([terms[c] for c in shared], idf_all[shared], xa, xb)
