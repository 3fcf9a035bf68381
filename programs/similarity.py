"""Near-duplicate texts: word shingles, MinHash signatures and LSH banding, with NumPy.

Pure functions on strings and arrays; nothing here touches the database. The cost grows with
the total length of the texts and with the number of candidate pairs that LSH proposes, never
with the number of all pairs: no loop (Python or NumPy) visits every pair of texts.

How it works, briefly:

1. Each text becomes a set of word shingles (runs of `shingle_size` words, lower-cased).
   Texts shorter than `min_words` are left out: a couple of sentences shared by chance or by a
   template are not evidence of copying.
2. Each set becomes a MinHash signature: for each of `num_perm` hash functions, the smallest
   hash over the set. Two signatures agree in a given position with probability equal to the
   Jaccard similarity of the two sets.
3. LSH banding: the signature is cut into `bands` bands of `rows` values. Texts whose band is
   identical share a bucket; every pair sharing at least one bucket is a candidate. With 42
   bands of 3 rows a pair at Jaccard 0.6 becomes a candidate with probability > 0.9999 and a
   pair at 0.1 with about 4 %.
4. Candidates are first screened by the estimated similarity (fraction of equal signature
   positions, vectorised) and then verified with the exact Jaccard of their shingle sets.
"""
from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"\w+", re.UNICODE)
_MERSENNE = (1 << 61) - 1


@dataclass(frozen=True)
class DuplicatePair:
    """Two texts (by their keys) whose shingle sets have this Jaccard similarity (0-1)."""

    first: Hashable
    second: Hashable
    similarity: float


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """A strong 64-bit mixer, so that structured shingle ids look random to the hash functions."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z += np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


def _shingle_ids(texts: list[str], shingle_size: int, min_words: int) -> tuple[list[int], list[np.ndarray]]:
    """For each text long enough: its index and the sorted array of its unique shingle ids.

    Words get ids from one shared vocabulary; a shingle id is a 64-bit hash of its word ids
    (a collision between two different shingles is about as likely as 1 in 10^19 per pair).
    """
    vocabulary: dict[str, int] = {}
    kept, shingles = [], []
    for index, text in enumerate(texts):
        words = WORD.findall((text or "").lower())
        if len(words) < max(min_words, shingle_size):
            continue
        ids = np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in words), dtype=np.uint64, count=len(words))
        n = len(ids) - shingle_size + 1
        hashed = np.zeros(n, dtype=np.uint64)
        for offset in range(shingle_size):  # the few word positions of a shingle, vectorised over the text
            hashed = _splitmix64(hashed ^ ids[offset:offset + n])
        kept.append(index)
        shingles.append(np.unique(hashed))
    return kept, shingles


def minhash_signatures(shingles: list[np.ndarray], *, num_perm: int = 126, seed: int = 20260) -> np.ndarray:
    """One row of `num_perm` MinHash values per shingle set (each set non-empty).

    Hash function p is x -> a_p * mix(x) + b_p (mod 2^64). The loop runs over the hash
    functions; each step is vectorised over every shingle of every text, and the per-text
    minima come from one `minimum.reduceat` over contiguous memory.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _MERSENNE, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, _MERSENNE, size=num_perm, dtype=np.uint64)
    lengths = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=len(shingles))
    offsets = np.zeros(len(shingles), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    mixed = _splitmix64(np.concatenate(shingles))
    hashed = np.empty_like(mixed)
    signatures = np.empty((num_perm, len(shingles)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in range(num_perm):
            np.multiply(mixed, a[p], out=hashed)
            np.add(hashed, b[p], out=hashed)
            signatures[p] = np.minimum.reduceat(hashed, offsets)
    return np.ascontiguousarray(signatures.T)


def lsh_candidates(signatures: np.ndarray, *, bands: int, max_bucket: int = 64) -> np.ndarray:
    """Candidate pairs (i < j, as an (n, 2) array) of rows that share a bucket in some band.

    A bucket larger than `max_bucket` (many texts sharing a band: a mass copy or a template)
    contributes a star, its first member with each other one, instead of all its pairs, so the
    number of candidates stays near-linear even then.
    """
    n, num_perm = signatures.shape
    rows = num_perm // bands
    found = []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows:(band + 1) * rows])
        _, labels = np.unique(block, axis=0, return_inverse=True)
        labels = labels.reshape(-1)
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
        sizes = np.diff(np.r_[starts, n])
        pairs_of_two = starts[sizes == 2]
        if len(pairs_of_two):
            found.append(np.stack([order[pairs_of_two], order[pairs_of_two + 1]], axis=1))
        for start, size in zip(starts[sizes > 2], sizes[sizes > 2], strict=True):  # only shared buckets
            members = order[start:start + size]
            if size > max_bucket:
                found.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
            else:
                i, j = np.triu_indices(size, 1)
                found.append(np.stack([members[i], members[j]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1)
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([keys // n, keys % n], axis=1)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted arrays of unique ids."""
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


def choose_bands(num_perm: int, threshold: float, recall: float = 0.999) -> int:
    """The fewest bands (so the fewest false candidates) that still propose a pair at `threshold`
    with probability `recall`: P = 1 - (1 - t^rows)^bands."""
    for rows in sorted((r for r in range(1, num_perm + 1) if num_perm % r == 0), reverse=True):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            return bands
    return num_perm


def find_near_duplicates(items: Iterable[tuple[Hashable, str]], *, threshold: float = 0.6, shingle_size: int = 3,
                         num_perm: int = 126, bands: int | None = None, min_words: int = 30, max_pairs: int = 200,
                         seed: int = 20260) -> list[DuplicatePair]:
    """Pairs of texts whose word-shingle Jaccard similarity is at least `threshold`.

    `items` are (key, text); keys come back in the pairs (first < second in input order).
    The most similar pairs come first; at most `max_pairs` are returned. `bands` defaults to
    what `choose_bands` picks for the threshold (42 bands of 3 rows at 0.6).
    """
    bands = bands or choose_bands(num_perm, threshold)
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    items = list(items)
    keys = [key for key, _text in items]
    kept, shingles = _shingle_ids([text for _key, text in items], shingle_size, min_words)
    if len(kept) < 2:
        return []
    signatures = minhash_signatures(shingles, num_perm=num_perm, seed=seed)
    candidates = lsh_candidates(signatures, bands=bands)
    if not len(candidates):
        return []
    # Screen by the MinHash estimate (vectorised over candidates), with a margin of about
    # three standard deviations so that a true pair near the threshold is not lost.
    estimate = (signatures[candidates[:, 0]] == signatures[candidates[:, 1]]).mean(axis=1)
    margin = 3 * np.sqrt(max(threshold * (1 - threshold), 0.01) / num_perm)
    promising = np.flatnonzero(estimate >= threshold - margin)
    # Verify the most promising first; a mass copy could otherwise mean thousands of checks
    # for pairs that the page would not show anyway.
    promising = promising[np.argsort(-estimate[promising], kind="stable")][: max_pairs * 20]
    found = []
    for index in promising:  # only candidates that look like copies: few, by construction
        i, j = candidates[index]
        similarity = jaccard(shingles[i], shingles[j])
        if similarity >= threshold:
            found.append((-round(similarity, 3), kept[i], kept[j]))
    found.sort()  # most similar first, then in input order
    return [DuplicatePair(first=keys[i], second=keys[j], similarity=-negative) for negative, i, j in found[:max_pairs]]
