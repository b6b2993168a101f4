"""Which words are Vietnamese syllables, from the rules of Vietnamese spelling.

A written syllable is an initial consonant (or none), a rhyme (vần: an optional
medial o/u, a vowel nucleus, an optional final) and at most one tone mark. The
initials, the rhymes and the spelling rules below are the ones every Vietnamese
primer teaches (docs/domain.md, "Vietnamese syllables"); the set they generate holds
every syllable in use and some that are possible but unused, which is what telling
Vietnamese text from legacy-encoded garbage needs. Both tone placements (hoà / hòa)
are accepted. Nothing here touches the ORM.
"""

import unicodedata
from functools import lru_cache

_INITIALS = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
# Rhymes without a medial, by nucleus.
_RHYMES = """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oong ooc
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y
""".split()
# Rhymes with the medial sound /w/, written o before a, ă, e and u elsewhere.
_MEDIAL_RHYMES = """
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
    oe oen oeo oet
    uân uâng uât uây uê uêch uênh uơ uy uya uych uynh uyp uyt uyu uyên uyêt
""".split()
# Before these letters c, g and ng are written k, gh and ngh.
_FRONT_VOWELS = ("e", "ê", "i", "y")
_STOP_FINALS = ("c", "ch", "p", "t")
_TONE_MARKS = frozenset("\u0301\u0300\u0309\u0303\u0323")  # sắc huyền hỏi ngã nặng
_HEAVY_TONES = frozenset("\u0301\u0323")  # the only tones a stopped syllable takes


def _spelled(initial: str, rhyme: str) -> bool:
    """Whether ``initial`` may be written before ``rhyme`` (c/k, g/gh, ng/ngh)."""
    front = rhyme.startswith(_FRONT_VOWELS)
    if initial in ("k", "gh", "ngh"):
        return front
    if initial in ("c", "g", "ng"):
        return not front
    return True


def _syllables() -> frozenset[str]:
    """Every toneless syllable the spelling rules allow."""
    rhymes = _RHYMES + _MEDIAL_RHYMES
    found = set()
    for rhyme in rhymes:
        # A syllable without an initial writes the glide of "iê" as y: yên, yêu.
        found.add("y" + rhyme[1:] if rhyme.startswith("iê") else rhyme)
    for initial in _INITIALS:
        for rhyme in rhymes:
            if initial == "qu":
                # "qu" holds the medial itself: qua, quê, quy, quyên, quốc.
                if rhyme in _MEDIAL_RHYMES:
                    found.add("qu" + rhyme[1:])
                elif rhyme[0] in "aăâeêiyơô" and not rhyme.startswith(("ia", "iê")):
                    found.add("qu" + rhyme)
            elif initial == "gi":
                # gi + iêng is written giêng, gi + in gìn.
                found.add("gi" + (rhyme[1:] if rhyme.startswith("i") else rhyme))
            elif _spelled(initial, rhyme):
                found.add(initial + rhyme)
    return frozenset(found)


SYLLABLES = _syllables()


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case, NFC or NFD) is a Vietnamese syllable."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [char for char in decomposed if char in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if char not in _TONE_MARKS)
    )
    if base not in SYLLABLES:
        return False
    return not (tones and base.endswith(_STOP_FINALS) and tones[0] not in _HEAVY_TONES)
