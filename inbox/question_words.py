# ruff: noqa: RUF001, RUF002 - Russian words are half the list
"""The words that say what a client asks about: those of a conversation's subject and first
message, without the ones any request holds (greetings, thanks, "can't", «не могу», "problem").

"Answers that worked before" (`inbox.similar_answers`) searches for them, and the frequent
questions (`inbox.frequent_questions`) group conversations by their stems. Words are folded
the way search folds them (lowercase, ё as е); words shorter than three letters and bare
numbers say nothing of the matter and are left out too.
"""

import re
import unicodedata

from app.core.stemming import stem

#: Of the first message, only its start is read: the question comes first, signatures and
#: quoted history later.
TEXT_CHARS = 2000
_WORD = re.compile(r"[^\W_]+")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|ответ|отв|пересл)\s*(?:\[\d+\])?\s*:\s*)+", re.I
)
#: Words any support request may hold, whatever it is about.
_COMMON_WORDS = (
    *("the", "and", "for", "you", "your", "our", "are", "was", "were", "can", "cannot", "not"),
    *("but", "with", "this", "that", "these", "those", "have", "has", "had", "from", "please"),
    *("thank", "thanks", "hello", "dear", "regards", "best", "kind", "would", "could", "should"),
    *("will", "what", "when", "how", "why", "where", "there", "here", "just", "also", "any"),
    *("all", "get", "got", "don", "doesn", "didn", "isn", "won", "wasn", "aren", "team"),
    *("support", "help", "problem", "issue", "question", "request", "again", "still", "some"),
    *("since", "today", "yesterday", "now", "one", "out", "into", "about", "able", "its", "it's"),
    *("здравствуйте", "добрый", "день", "спасибо", "пожалуйста", "уважением", "нас", "вас"),
    *("как", "что", "это", "так", "все", "всё", "его", "она", "они", "мне", "меня", "мой", "моя"),
    *("наш", "ваш", "при", "для", "или", "уже", "ещё", "еще", "когда", "где", "есть", "нет"),
    *("был", "была", "было", "были", "могу", "можем", "можно", "может", "нужно", "помочь"),
    *("помогите", "вопрос", "проблема", "просьба", "привет", "сегодня", "только", "очень"),
    *("тоже", "также", "чтобы", "если", "этот", "эта", "эти", "под", "над", "без", "снова"),
    *("опять", "почему", "подскажите", "коллеги", "вчера", "сейчас", "получается"),
)
COMMON = frozenset(stem(word) for word in _COMMON_WORDS)


def question_words(subject: str, text: str) -> list[str]:
    """The subject's words, then the first message's, each once, in order."""
    start = _REPLY_PREFIX.sub("", subject) + "\n" + text[:TEXT_CHARS]
    words: dict[str, None] = {}
    for word in _WORD.findall(unicodedata.normalize("NFC", start)):
        folded = word.lower().replace("\u0451", "\u0435")
        if len(folded) < 3 or folded.isdigit() or stem(folded) in COMMON:
            continue
        words.setdefault(folded[:64])
    return list(words)


def question_stems(subject: str, text: str) -> list[str]:
    """The stems of `question_words`, each once, in order."""
    return list(dict.fromkeys(stem(word) for word in question_words(subject, text)))
