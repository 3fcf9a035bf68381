"""Tiny tokenizer + TF-IDF + (optional) LSA projection for the matching engine.

Pure numpy/scipy; no Django, no sklearn, no model download.

The cross similarity between a mentee's goals and a mentor's bio only depends on
terms that occur on *both* sides, so the dense representation used by the fused
scoring product keeps just those columns.  When there are at most ``text_dim`` of
them the representation is exact (dot product == TF-IDF cosine).  Otherwise the
TF-IDF vectors are projected onto the top ``text_dim`` right singular vectors
(randomised truncated SVD, i.e. LSA); the dot product is then the cosine of the
projections onto that subspace (an approximation, <= the exact cosine in
magnitude, can be slightly negative).
"""

from __future__ import annotations

import re
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
    out = []
    for tok in _TOKEN_RE.findall(text.lower()):
        if tok in STOPWORDS:
            continue
        if len(tok) < 2 and tok not in _SINGLE_CHAR_TERMS:
            continue
        out.append(tok)
    return out


@dataclass
class TextModel:
    vocab: list[str]  # column -> term
    idf: np.ndarray  # (V,) float64
    mentee_tfidf: sp.csr_matrix  # (N, V) float64, rows L2-normalised
    mentor_tfidf: sp.csr_matrix  # (M, V)
    mentee_dense: np.ndarray  # (N, d) float32, rows of norm <= 1
    mentor_dense: np.ndarray  # (M, d) float32
    exact: bool  # True when the dense representation is the TF-IDF vector itself (no LSA)

    def cosine(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Exact TF-IDF cosine for pairs (vectorised, sparse)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        if len(i) == 0:
            return np.zeros(0)
        prod = self.mentee_tfidf[i].multiply(self.mentor_tfidf[j])
        return np.asarray(prod.sum(axis=1)).ravel()

    def dense_dot(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Dot products of the dense representations (== TF-IDF cosine when ``exact``)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        out = np.zeros(len(i))
        if self.mentee_dense.shape[1] == 0:
            return out
        step = 4096  # small chunks: temporaries stay in reused heap memory
        for s in range(0, len(i), step):
            a = self.mentee_dense[i[s : s + step]].astype(np.float64)
            b = self.mentor_dense[j[s : s + step]].astype(np.float64)
            out[s : s + step] = np.einsum("ij,ij->i", a, b)
        return out

    def shared_terms(self, i: int, j: int, limit: int = 5) -> list[str]:
        """Terms contributing most to the cosine of (i, j)."""
        a = self.mentee_tfidf[i]
        b = self.mentor_tfidf[j]
        prod = a.multiply(b).tocoo()
        if prod.nnz == 0:
            return []
        order = np.lexsort((prod.col, -prod.data))[:limit]
        return [self.vocab[c] for c in prod.col[order]]


def _tfidf(docs_tokens: list[list[str]], vocab_index: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for toks in docs_tokens:
        counts: dict[int, int] = {}
        for t in toks:
            c = vocab_index[t]
            counts[c] = counts.get(c, 0) + 1
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    n = len(docs_tokens)
    x = sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(n, len(vocab_index)),
    )
    x.sum_duplicates()
    if x.nnz:
        x.data = 1.0 + np.log(x.data)  # sublinear tf
        x = sp.csr_matrix(x.multiply(idf[None, :]))
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(sp.diags(1.0 / norms) @ x)
    x.sort_indices()
    return x


def _orthonormal(y: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the columns of tall y (CholeskyQR2: BLAS-3 only, much faster than
    LAPACK QR on tall matrices here); falls back to QR when y is rank deficient."""
    for _ in range(2):
        g = y.T @ y
        g += np.eye(len(g)) * (1e-12 * max(np.trace(g), 1e-300))
        try:
            chol = np.linalg.cholesky(g)
        except np.linalg.LinAlgError:
            return np.linalg.qr(y)[0]
        y = y @ np.linalg.inv(chol).T
    return y


def _randomized_right_basis(x: sp.csr_matrix, d: int, seed: int = 0, n_iter: int = 2, max_rows: int = 20_000) -> np.ndarray:
    """Top-d right singular vectors of sparse x (rows x V) -> (V, d) orthonormal columns.

    Fitted on a deterministic subsample of at most ``max_rows`` rows (every k-th row)."""
    if x.shape[0] > max_rows:
        x = x[:: -(-x.shape[0] // max_rows)]
    rng = np.random.default_rng(seed)
    p = min(x.shape[1], d + 16)
    omega = rng.standard_normal((x.shape[1], p))
    q = _orthonormal(np.asarray(x @ omega))
    for _ in range(n_iter):
        z = _orthonormal(np.asarray(x.T @ q))
        q = _orthonormal(np.asarray(x @ z))
    b = (x.T @ q).T  # (p, V)
    _, _, vt = np.linalg.svd(b, full_matrices=False)
    vt = vt[:d]
    # deterministic sign: largest-magnitude entry of each vector positive
    idx = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[np.arange(len(vt)), idx])
    signs[signs == 0] = 1
    return (vt * signs[:, None]).T


def build_text_model(mentee_texts: list[str], mentor_texts: list[str], text_dim: int = 128, seed: int = 0) -> TextModel:
    mentee_tokens = [tokenize(t) for t in mentee_texts]
    mentor_tokens = [tokenize(t) for t in mentor_texts]
    vocab_index: dict[str, int] = {}
    for toks in mentee_tokens:
        for t in toks:
            if t not in vocab_index:
                vocab_index[t] = len(vocab_index)
    for toks in mentor_tokens:
        for t in toks:
            if t not in vocab_index:
                vocab_index[t] = len(vocab_index)
    v = len(vocab_index)
    n_docs = len(mentee_tokens) + len(mentor_tokens)
    df = np.zeros(v, dtype=np.float64)
    df_mentee = np.zeros(v, dtype=bool)
    df_mentor = np.zeros(v, dtype=bool)
    for toks in mentee_tokens:
        ids = np.fromiter({vocab_index[t] for t in toks}, dtype=np.int64)
        df[ids] += 1
        df_mentee[ids] = True
    for toks in mentor_tokens:
        ids = np.fromiter({vocab_index[t] for t in toks}, dtype=np.int64)
        df[ids] += 1
        df_mentor[ids] = True
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    xa = _tfidf(mentee_tokens, vocab_index, idf)
    xb = _tfidf(mentor_tokens, vocab_index, idf)
    cross = np.flatnonzero(df_mentee & df_mentor)
    if len(cross) <= text_dim:
        da = xa[:, cross].toarray()
        db = xb[:, cross].toarray()
        exact = True
    else:
        xa_c = xa[:, cross]
        xb_c = xb[:, cross]
        basis = _randomized_right_basis(sp.vstack([xa_c, xb_c]).tocsr(), text_dim, seed=seed)
        da = np.asarray(xa_c @ basis)
        db = np.asarray(xb_c @ basis)
        exact = False
    vocab = [""] * v
    for t, c in vocab_index.items():
        vocab[c] = t

    def dense(x):
        return np.ascontiguousarray(x, dtype=np.float32)

    return TextModel(vocab, idf, xa, xb, dense(da), dense(db), exact)
