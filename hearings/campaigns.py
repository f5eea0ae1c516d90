"""Finding campaign letters: identical or near-identical submissions to one hearing.

Identical letters share `text_fingerprint` (case, spacing, punctuation and accents ignored).
Near-identical ones (another name, another greeting, a sentence changed) are found with
MinHash over word shingles and locality-sensitive hashing, then checked by the exact Jaccard
similarity of their shingle sets:

- each distinct text is read once and cut into overlapping word k-shingles: O(N·L) for N texts
  of L words;
- its signature is one-permutation MinHash: every shingle is hashed once and kept if it is the
  smallest in its bin, so O(L) per text, not O(L·permutations);
- the signature is cut into bands; texts that agree on a whole band land in the same bucket:
  O(N·bands);
- in a bucket a text is compared only with a few cluster heads already seen there (at most
  MAX_HEADS), never with every other member, so verification is O(N·bands·MAX_HEADS) and
  1,000 copies of one letter cost 1,000 comparisons per band, not 500,000.

So the whole run is linear in the number of submissions; nothing compares all pairs.
Groups are only *suggested*: the planner confirms, splits or rejects them.
"""

import hashlib
import re
import unicodedata
from collections import defaultdict

from django.db import transaction
from django.utils.text import Truncator

from hearings.models import CampaignGroup, Hearing, Submission
from participation.contributions.models import Contribution

SHINGLE_WORDS = 3
BINS = 128
ROWS_PER_BAND = 4  # 32 bands: a pair at J=0.5 shares a band with p ≈ 0.87, at 0.7 ≈ 0.9999
# Half of the three-word sequences shared. One changed sentence, greeting and name in a letter
# of a hundred words already brings two copies down to 0.5–0.8; unrelated letters on the same
# plan share almost none (< 0.1), so 0.5 still separates them by a wide margin.
THRESHOLD = 0.5
MAX_HEADS = 8
MIN_GROUP_SIZE = 2
_MASK = (1 << 64) - 1
_EMPTY = 1 << 64


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"\w+", text)


def shingles(text: str, k: int = SHINGLE_WORDS) -> frozenset[int]:
    """The text's overlapping k-word sequences, each as a 64-bit hash."""
    tokens = words(text)
    if len(tokens) < k:
        grams = [" ".join(tokens)] if tokens else []
    else:
        grams = [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]
    # Python's string hash is salted per process; signatures never outlive one run, so that
    # is fine, and it is many times faster than a cryptographic hash.
    return frozenset(hash(g) & _MASK for g in grams)


def signature(shingle_hashes, bins: int = BINS) -> tuple[int, ...]:
    """One-permutation MinHash: the smallest hash in each of `bins` bins."""
    mins = [_EMPTY] * bins
    for h in shingle_hashes:
        b = h % bins
        if h < mins[b]:
            mins[b] = h
    return tuple(mins)


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class _UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_texts(texts: list[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Indexes of `texts` grouped by near-identity (Jaccard of shingles ≥ threshold).

    Every index is in exactly one cluster; singletons included.
    """
    sets = [shingles(t) for t in texts]
    signatures = [signature(s) for s in sets]
    uf = _UnionFind(len(texts))
    rows = ROWS_PER_BAND
    for band in range(BINS // rows):
        buckets: dict[tuple, list[int]] = defaultdict(list)
        for i, sig in enumerate(signatures):
            if sets[i]:
                buckets[sig[band * rows : (band + 1) * rows]].append(i)
        for members in buckets.values():
            if len(members) > 1:
                _verify_bucket(members, sets, uf, threshold)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        clusters[uf.find(i)].append(i)
    return list(clusters.values())


def _verify_bucket(members, sets, uf, threshold) -> None:
    """Join bucket members that really are near-identical, comparing each with a few heads."""
    heads: list[int] = []
    for i in members:
        root = uf.find(i)
        if any(uf.find(h) == root for h in heads):
            continue
        for h in heads:
            if jaccard(sets[h], sets[i]) >= threshold:
                uf.union(h, i)
                break
        else:
            if len(heads) < MAX_HEADS:
                heads.append(i)


def find_campaigns(hearing: Hearing, threshold: float = THRESHOLD) -> list[list[int]]:
    """Submission ids that look like one campaign, biggest group first.

    Letters already in a confirmed group are left where the planner put them.
    """
    by_fingerprint: dict[str, list[int]] = defaultdict(list)
    texts: list[str] = []
    fingerprints: list[str] = []
    candidates = (
        Submission.objects.filter(hearing=hearing)
        .exclude(state=Contribution.State.WITHDRAWN)
        .exclude(campaign_group__confirmed_at__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "text_fingerprint", "body")
    )
    for pk, fingerprint, body in candidates.iterator(chunk_size=2000):
        fingerprint = fingerprint or hashlib.sha256(" ".join(words(body)).encode()).hexdigest()
        if fingerprint not in by_fingerprint:
            fingerprints.append(fingerprint)
            texts.append(body)
        by_fingerprint[fingerprint].append(pk)
    groups = []
    for cluster in cluster_texts(texts, threshold):
        ids = [pk for i in cluster for pk in by_fingerprint[fingerprints[i]]]
        if len(ids) >= MIN_GROUP_SIZE:
            groups.append(sorted(ids))
    groups.sort(key=lambda ids: (-len(ids), ids[0]))
    return groups


def do_suggest_campaigns(hearing_id: int, threshold: float = THRESHOLD) -> int:
    """Replace the hearing's unconfirmed suggestions with fresh ones. Returns how many."""
    hearing = Hearing.objects.get(pk=hearing_id)
    groups = find_campaigns(hearing, threshold)
    with transaction.atomic():
        stale = CampaignGroup.objects.filter(hearing=hearing, confirmed_at__isnull=True)
        Submission.objects.filter(campaign_group__in=stale).update(campaign_group=None)
        stale.delete()
        bodies = dict(
            Submission.objects.filter(pk__in=[ids[0] for ids in groups]).values_list("pk", "body")
        )
        for ids in groups:
            group = CampaignGroup.objects.create(
                hearing=hearing,
                label=Truncator(" ".join(bodies[ids[0]].split())).chars(80),
                representative_id=ids[0],
            )
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                Submission.objects.filter(pk__in=chunk).update(campaign_group=group)
    return len(groups)
