"""What a search box query means: an ID number, a phone, pinyin initials, or a name."""

from django.db.models import Q
from pypinyin import lazy_pinyin

from banbiantian.lib import idnumber

_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def name_keys(name: str) -> tuple[str, str]:
    """('wangxiuying', 'wxy') for 王秀英; letters already in the name stay as they are."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    full = "".join(ch for ch in "".join(syllables) if ch in _LETTERS)
    initials = "".join(s[0] for s in syllables if s and s[0] in _LETTERS)
    return full[:200], initials[:50]


def _upper_bound(prefix: str, alphabet: str) -> str | None:
    """The smallest string over `alphabet` greater than every string starting with `prefix`.

    A prefix search becomes `prefix <= field < bound`, which both databases answer from a
    plain b-tree index (SQLite's LIKE cannot use one; PostgreSQL's needs a pattern index).
    Only used for digits or lower-case letters, whose order is the same in every collation.
    """
    chars = list(prefix)
    while chars:
        i = alphabet.index(chars[-1])
        if i + 1 < len(alphabet):
            chars[-1] = alphabet[i + 1]
            return "".join(chars)
        chars.pop()
    return None


def prefix_q(field: str, prefix: str, alphabet: str) -> Q:
    q = Q(**{f"{field}__gte": prefix})
    bound = _upper_bound(prefix, alphabet)
    return q & Q(**{f"{field}__lt": bound}) if bound else q


NAME_PREFIX_MIN = 3  # a name query this long is tried as the start of a name first (see person_list)


def name_prefix_q(text: str, vendor: str) -> Q:
    """Names starting with `text`, answered from an index on name.

    SQLite compares text bytewise, and UTF-8 keeps code-point order, so the names starting
    with `text` are exactly those in [text, text + U+10FFFF) on the plain index (its LIKE
    cannot use one). PostgreSQL's LIKE 'text%' uses the varchar_pattern_ops index of
    migration 0004 whatever the database's collation.
    """
    if vendor == "sqlite":
        return Q(name__gte=text, name__lt=text + "\U0010ffff")
    return Q(name__startswith=text)


ID_TAIL = 4  # a clerk reads out the last four characters of an ID number ("尾号") to find a woman


def query_kind(raw: str) -> str:
    """What a search box query is: "" (empty), "id_number", "id_tail", "digits", "letters" (pinyin) or "name"."""
    text = (raw or "").strip()
    if not text:
        return ""
    compact = idnumber.normalise(text)
    if compact[:-1].isdigit() and len(compact) in (15, 18):
        return "id_number"
    if compact.isdigit():
        return "digits"
    if len(compact) == ID_TAIL and compact[:-1].isdigit() and compact[-1] == "X":
        return "id_tail"  # the last four characters of an ID number ending in X ("123X", "123x")
    lowered = text.lower().replace(" ", "")
    if lowered.isascii() and lowered.isalpha():
        return "letters"
    return "name"


def search_q(raw: str) -> Q | None:
    """A Q for the people table, or None when the query is empty."""
    kind = query_kind(raw)
    if not kind:
        return None
    text = raw.strip()
    compact = idnumber.normalise(text)
    if kind == "id_number":
        try:
            return Q(id_number=idnumber.parse(compact).number)
        except idnumber.IdNumberError:
            return Q(id_number=compact)
    if kind == "digits":
        if len(compact) >= 6:
            return prefix_q("id_number", compact, _DIGITS) | prefix_q("phone", compact, _DIGITS)
        if len(compact) == ID_TAIL:
            return Q(phone_tail=compact) | Q(id_tail=compact)  # 尾号: the indexed tails
        return Q(phone__endswith=compact) if len(compact) > ID_TAIL else Q(pk__in=[])
    if kind == "id_tail":
        return Q(id_tail=compact)
    if kind == "letters":
        lowered = text.lower().replace(" ", "")
        return prefix_q("name_initials", lowered, _LETTERS) | prefix_q("name_pinyin", lowered, _LETTERS)
    return Q(name__contains=text)
