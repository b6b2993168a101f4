"""Which words of a name search PostgreSQL's trigram index is asked about.

A search finds names with a word starting with each typed word, in name order, and
PostgreSQL has two ways to answer it:

- walk the names in order (an index-only scan) and keep the matches, until a page and
  the count's limit are found: cheap when matches are frequent, and never more than the
  scope's size;
- ask the trigram index for the names holding the words, read each candidate row to
  check it, and sort them: cheap when a word is rare, and very dear for a common one
  ("nguyen" is in a third of all names: posting lists of 400,000 rows, as many rows to
  check).

Its own estimates for ``LIKE '%…%'`` are guesses, and at 1,000,000 members it picked the
slower way for some keystrokes (docs/benchmarks.md). The choice is made here instead,
from how common each word is (name_frequencies) and the plan's estimate of the scope:
only the words worth it are put to the index; without any, the search can only walk.
"""

from dataclasses import dataclass
from math import prod

from .estimates import planned_rows, table_rows
from .name_frequencies import word_shares

# What one step of each way costs, relative to one index entry walked (measured on the
# benchmark's 1,000,000 members, PostgreSQL 15, warm cache: 0.2 µs an entry walked,
# about 3 µs a candidate row read and checked, 0.01 µs a trigram posting, 1 µs a
# member read from its union's range of the unit index and sorted).
CANDIDATE_COST = 15.0
POSTING_COST = 0.05
SCOPE_ROW_COST = 5.0
# A word absent from the statistics is rare, but not absent from the register.
RAREST_SHARE = 0.0005
WANTED = 201  # the page and the count's limit (views.COUNT_LIMIT + 1)


@dataclass(frozen=True)
class SearchPlan:
    indexed: list[str]  # the words (folded) to put to the trigram index
    # Sort the matches (found by the trigram index, or in the scope's own range of
    # the unit index) rather than walk the whole register in name order.
    sorts_matches: bool


def plan(words: list[str], members) -> SearchPlan | None:
    """How to search ``members`` for ``words`` (folded, of the query); None without
    statistics (SQLite, a table never analysed).

    A word shorter than three letters goes to the index with its word-start space
    (" my"), a longer one without (see MemberQuerySet.search).
    """
    shares = word_shares(words + [w[0] for w in words], members.db) if words else None
    everyone = table_rows(members.model, members.db) if shares else None
    if not everyone:
        return None
    in_scope = planned_rows(members) or everyone
    share = {w: max(shares[w].any_part, RAREST_SHARE) for w in shares}
    matching = _matching_shares(words, shares, share)
    walk = _walk(words, shares, matching, everyone, in_scope)
    best = SearchPlan(indexed=[], sorts_matches=in_scope * SCOPE_ROW_COST < walk)
    best_cost = min(walk, in_scope * SCOPE_ROW_COST)
    chosen = []
    for word in sorted(words, key=matching.get):  # rarest first
        chosen.append(word)
        candidates = prod(matching[w] for w in chosen)
        postings = sum(_postings(w, share) for w in chosen)
        cost = everyone * (CANDIDATE_COST * candidates + POSTING_COST * postings)
        if cost < best_cost:
            best, best_cost = SearchPlan(indexed=list(chosen), sorts_matches=True), cost
    return best


def _matching_shares(words, shares, share) -> dict[str, float]:
    """Each word's share among the names the other words leave.

    A name has one family name: beside the word most often a family name, if it mostly
    is one ("nguyen"), another word ("l") is found in the middle or given name only.
    """
    family = max(words, key=lambda w: shares[w].family_name / share[w])
    if shares[family].family_name <= share[family] / 2:
        return {word: share[word] for word in words}
    return {
        word: share[word]
        if word == family
        else max(share[word] - shares[word].family_name, RAREST_SHARE)
        for word in words
    }


def _walk(words, shares, matching, everyone, in_scope) -> float:
    """How many names are walked in name order before WANTED matches are found.

    Matches are spread evenly, except where a word is mostly a given name: names are
    ordered by given name first, so before the given names starting with that word
    ("lan" in "nguyen thi lan", "l" in "nguyen thi l") only the rarer names with it in
    the middle or family name match.
    """
    density = prod(matching[w] for w in words) * in_scope / everyone
    clusters = []
    for word in words:
        given = shares[word].given_name
        elsewhere = max(matching[word] - given, 0.0) / matching[word]
        if elsewhere >= 0.5:
            continue
        before = shares[word].given_before * everyone
        found_before = density * elsewhere * before
        if found_before >= WANTED:
            clusters.append(WANTED / (density * elsewhere))
        else:
            # Past them, every name has the word: matches come 1 / share times as
            # often.
            rest = (WANTED - found_before) * matching[word] / density
            clusters.append(before + rest)
    walked = min(clusters) if clusters else WANTED / density
    return min(walked, everyone)


def _postings(word: str, share: dict[str, float]) -> float:
    """Trigram postings read for ``word``, as a share of all names."""
    if len(word) >= 3:
        return (len(word) - 2) * share[word]
    # " my": the trigrams "  m" (every name with an m-word) and " my".
    return share[word[0]] + (share[word] if len(word) == 2 else 0.0)
