"""Text signatures for near-duplicate search: MinHash over a text's word pairs, with LSH
bands.

The shingles are the CRC-32 hashes of an article's consecutive content-word pairs, which
``crosscheck.summary`` computes anyway for link suggestions (5-word shingles would cost a
second pass over every word in every work unit). A signature is one-permutation MinHash:
a hash's low bits choose one of ``BINS`` bins and each bin keeps its smallest remaining
value (32 bits). Two texts agree on a bin with probability close to the Jaccard
similarity of their pair sets, so the share of equal bins estimates it. Empty bins
(short texts) borrow the next filled bin's value. Bins are grouped into ``BANDS`` bands
of ``ROWS``; texts that agree on a whole band share an LSH bucket, so candidates come
from bucket look-ups instead of comparing all pairs (agreement on one band is likely
from a similarity of about 0.5 up).
"""

from __future__ import annotations

import operator
import zlib
from array import array
from collections.abc import Sequence
from itertools import repeat

BINS = 64
ROWS = 4
BANDS = BINS // ROWS
_EMPTY = 0xFFFFFFFF  # an empty bin (values are 32-bit, so they pack as uint32)


def signature(hashes: set[int]) -> tuple[int, ...]:
    """The one-permutation MinHash of a shingle set (all ``_EMPTY`` for no text): per
    bin (a hash's low bits) the smallest hash, computed by C-level builtins."""
    if not hashes:
        return (_EMPTY,) * BINS
    ordered = sorted(hashes, reverse=True)  # in the dict below the smallest comes last
    smallest = dict(zip(map(operator.and_, ordered, repeat(BINS - 1)),
                        map(operator.rshift, ordered, repeat(6)), strict=True))
    mins = [smallest.get(b, _EMPTY) for b in range(BINS)]
    if _EMPTY in mins:
        filled = [i for i, v in enumerate(mins) if v != _EMPTY]
        for i in range(BINS):
            if mins[i] == _EMPTY:
                nxt = next((j for j in filled if j > i), filled[0])
                mins[i] = (mins[nxt] + ((nxt - i) % BINS << 26)) & 0xFFFFFFFE
    return tuple(mins)


def bands(sig: Sequence[int]) -> list[int]:
    """One bucket key per band (band number included, so bands never mix); none for an
    empty text."""
    if not sig or sig[0] == _EMPTY:
        return []
    return [zlib.crc32(array("I", (band, *sig[band * ROWS:(band + 1) * ROWS])).tobytes())
            for band in range(BANDS)]


def estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / BINS
