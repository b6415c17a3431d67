"""Kana to romaji (Hepburn), and a loose spelling key so that ``fain`` finds ファインチューニング.

Readings in the glossary are kana; typing romaji should find them whether the person writes
Hepburn (shi, chi, tsu, fu), Kunrei (si, ti, tu, hu), long vowels doubled or not.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_DIGRAPHS = {
    "きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "しゃ": "sha", "しゅ": "shu", "しぇ": "she",
    "しょ": "sho", "ちゃ": "cha", "ちゅ": "chu", "ちぇ": "che", "ちょ": "cho", "にゃ": "nya",
    "にゅ": "nyu", "にょ": "nyo", "ひゃ": "hya", "ひゅ": "hyu", "ひょ": "hyo", "みゃ": "mya",
    "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu", "りょ": "ryo", "ぎゃ": "gya",
    "ぎゅ": "gyu", "ぎょ": "gyo", "じゃ": "ja", "じゅ": "ju", "じぇ": "je", "じょ": "jo",
    "びゃ": "bya", "びゅ": "byu", "びょ": "byo", "ぴゃ": "pya", "ぴゅ": "pyu", "ぴょ": "pyo",
    "ふぁ": "fa", "ふぃ": "fi", "ふぇ": "fe", "ふぉ": "fo", "ふゅ": "fyu", "てぃ": "ti",
    "でぃ": "di", "とぅ": "tu", "どぅ": "du", "でゅ": "dyu", "てゅ": "tyu", "うぃ": "wi",
    "うぇ": "we", "うぉ": "wo", "ゔぁ": "va", "ゔぃ": "vi", "ゔぇ": "ve", "ゔぉ": "vo",
    "つぁ": "tsa", "つぃ": "tsi", "つぇ": "tse", "つぉ": "tso", "いぇ": "ye", "くぁ": "kwa",
    "ぐぁ": "gwa",
}
_SINGLE = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o", "か": "ka", "き": "ki", "く": "ku",
    "け": "ke", "こ": "ko", "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to", "な": "na", "に": "ni",
    "ぬ": "nu", "ね": "ne", "の": "no", "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he",
    "ほ": "ho", "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo", "や": "ya",
    "ゆ": "yu", "よ": "yo", "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n", "が": "ga", "ぎ": "gi", "ぐ": "gu",
    "げ": "ge", "ご": "go", "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do", "ば": "ba", "び": "bi",
    "ぶ": "bu", "べ": "be", "ぼ": "bo", "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe",
    "ぽ": "po", "ゔ": "vu", "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゃ": "ya",
    "ゅ": "yu", "ょ": "yo", "ゎ": "wa", "ー": "-",
}


def to_romaji(kana: str) -> str:
    """Hepburn romaji of a kana string; characters that are not kana pass through."""
    text = jaconv.kata2hira(unicodedata.normalize("NFKC", kana))
    out: list[str] = []
    double_next = False
    i = 0
    while i < len(text):
        pair, char = text[i : i + 2], text[i]
        if char == "っ":
            double_next = True
            i += 1
            continue
        if pair in _DIGRAPHS:
            syllable, i = _DIGRAPHS[pair], i + 2
        else:
            syllable, i = _SINGLE.get(char, char), i + 1
        if double_next and syllable[:1].isalpha() and syllable[0] not in "aiueon":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double_next = False
        out.append(syllable)
    return "".join(out)


_LOOSE = [
    ("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("fu", "hu"), ("ji", "zi"), ("sh", "sy"),
    ("ch", "ty"), ("j", "zy"), ("oh", "o"), ("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"),
    ("ii", "i"), ("ee", "e"), ("ei", "e"), ("nn", "n"), ("m(?=[bmp])", "n"),
]
_LOOSE_RE = [(re.compile(pattern), repl) for pattern, repl in _LOOSE]
_NOT_LETTER = re.compile(r"[^a-z]")


def loose_romaji(text: str) -> str:
    """A spelling-insensitive key for romaji: Hepburn/Kunrei alike, long vowels folded."""
    key = _NOT_LETTER.sub("", text.lower())
    for pattern, repl in _LOOSE_RE:
        key = pattern.sub(repl, key)
    return key
