"""Katakana as banks transmit it (全銀 character set).

Bank transfer names carry half-width katakana without small kana, with voiced marks as
separate characters (ﾀﾞ), so a reading ヤマダショウジ arrives as ﾔﾏﾀﾞｼﾖｳｼﾞ.
"""

from __future__ import annotations

import unicodedata

_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def _build_half_width_map() -> dict[str, str]:
    """Full-width katakana → half-width, derived from NFKC so it cannot drift from it."""
    mapping: dict[str, str] = {}
    singles = [chr(c) for c in range(0xFF66, 0xFF9E)]  # ｦ … ﾝ
    for ch in singles:
        mapping[unicodedata.normalize("NFKC", ch)] = ch
    for ch in singles:
        for mark in ("\uff9e", "\uff9f"):  # ﾞ ﾟ
            composed = unicodedata.normalize("NFKC", ch + mark)
            if len(composed) == 1 and composed not in mapping:
                mapping[composed] = ch + mark
    mapping["ー"] = "-"  # 全銀 has no long-vowel sign; banks send a hyphen
    mapping["　"] = " "
    mapping["（"] = "("
    mapping["）"] = ")"
    return mapping


_HALF = _build_half_width_map()


def zengin_kana(reading: str) -> str:
    """Full-width reading in 全銀 style: small kana written large (ショウジ → シヨウジ)."""
    return reading.translate(_SMALL_TO_LARGE)


def half_width(text: str) -> str:
    """Full-width katakana (and brackets/spaces) to the half-width forms banks send."""
    return "".join(_HALF.get(ch, ch) for ch in text)


def full_width_ascii(text: str) -> str:
    """ASCII letters/digits to full-width (ＳＫ精機), as some masters store them."""
    out = []
    for ch in text:
        if "!" <= ch <= "~":
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)
