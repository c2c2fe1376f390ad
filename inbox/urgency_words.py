# ruff: noqa: RUF002 - Russian words are the point
"""The words that make a client's mail urgent, in English and Russian, and the words that take
it back ("not urgent", «не срочно», "if it stops working").

A phrase is a sequence of word patterns (regular expressions over one lowercased word, ё read
as е); its words may stand up to `GAP` words apart, so «не проходит у нас оплата» is found by
«не проходит оплата». Kept apart from `inbox.urgency`, which reads mail with them, so the
tables can grow without touching the reading.
"""

import re
from dataclasses import dataclass

#: Words allowed between two words of a phrase.
GAP = 2
#: How many words before a phrase a negation or a condition still applies to it.
REACH = 3


@dataclass(frozen=True)
class Phrase:
    words: tuple[re.Pattern[str], ...]
    #: A phrase that says urgency itself ("urgent") is taken back by a negation before it;
    #: one that already holds its negation ("not working") only by a condition ("if").
    negatable: bool


def _phrase(text: str, *, negatable: bool = False) -> Phrase:
    return Phrase(tuple(re.compile(f"(?:{word})$") for word in text.split()), negatable)


def explicit(*texts: str) -> list[Phrase]:
    return [_phrase(text, negatable=True) for text in texts]


def trouble(*texts: str) -> list[Phrase]:
    return [_phrase(text) for text in texts]


_SYSTEM = (
    r"site|website|server|servers|app|application|service|api|system|checkout|shop|store|portal"
    r"|dashboard|platform|login|everything|production|prod|payments?|database|db"
)
_RU_SYSTEM = (
    r"сайт\w*|сервер\w*|приложени\w*|сервис\w*|систем\w*|магазин\w*|касс\w*|все|api|апи"
    r"|кабинет\w*|прод|оплат\w*|платеж\w*|корзин\w*|баз\w*"
)
_CANT = r"can't|cannot|cant|unable|impossible"
_ACT = r"pay|log|login|checkout|access|order|buy|purchase|sign"
_RU_CANT = r"могу|можем|могут|может|получается|удается"
_RU_ACT = r"оплатить|заплатить|войти|зайти|оформить|купить|авторизоваться"

PHRASES: list[Phrase] = [
    *explicit(
        r"urgent\w*",
        r"asap",
        r"critical\w*",
        r"emergency",
        r"immediately",
        r"right away",
        r"as soon as possible",
        r"top priority",
        r"срочн\w*",
        r"критичн\w*|критическ\w*",
        r"горит|горят|горим",
        r"немедленно",
        r"как можно (?:скорее|быстрее)",
        r"аварийн\w*|авари[яию]",
    ),
    *trouble(
        rf"(?:{_SYSTEM}) (?:is|are|went|goes|was|keeps|seems) down",
        rf"(?:{_SYSTEM}) down",
        rf"(?:{_SYSTEM}) (?:is|are) broken",
        rf"(?:{_SYSTEM}) (?:is|are|went|has|have) (?:offline|unreachable|unavailable)",
        rf"(?:{_SYSTEM}) (?:broke|crashed|crashes|crashing)",
        r"(?:nobody|none|noone) (?:can|could)",
        r"no one (?:can|could)",
        r"(?:not|isn't|aren't) (?:coming|going) through",
        r"outage\w*",
        r"not work\w*",
        rf"(?:isn't|aren't|doesn't|don't|won't|stopped|{_CANT}) work\w*",
        rf"(?:{_CANT}) (?:{_ACT})",
        rf"(?:{_CANT}) to (?:{_ACT})",
        r"(?:payments?|checkout|orders?|cards?) (?:fail\w*|declin\w*|rejected)",
        r"(?:losing|lose|lost) (?:orders?|money|sales|customers|clients|revenue)",
        r"(?:500|502|503|504) (?:errors?|bad|service|gateway)",
        r"не работа\w*",
        r"не (?:уход\w*|пуска\w*|приход\w*|поступа\w*)",
        r"(?:работа|все|всё|склад|продажи) (?:встал\w*|стоит|стоят)",
        r"(?:сломал\w*|завис\w*|вылета\w*)",
        r"перестал\w* работать",
        rf"(?:{_RU_SYSTEM}) (?:упал\w*|лежит|лежат|недоступ\w*|сломал\w*)",
        rf"(?:упал\w*|лежит|лежат) (?:{_RU_SYSTEM})",
        r"не проход\w* (?:оплат\w*|платеж\w*)",
        r"(?:оплат\w*|платеж\w*) не проход\w*",
        rf"не (?:{_RU_CANT}) (?:{_RU_ACT})",
        r"(?:теряем|теряю|потеряли|теряет) (?:заказ\w*|деньг\w*|клиент\w*|продаж\w*)",
        r"не (?:открыва\w*|загружа\w*)",
        r"ошибк\w* (?:500|502|503|504)",
    ),
]

#: Before an explicit phrase: "not urgent", «не срочно», «ничего срочного», "no emergency".
NEGATIONS = re.compile(
    r"(?:not|no|isn't|isnt|nothing|never|hardly|without|не|нет|ничего|ни|никак\w*|без)$"
)
#: Before any phrase: a condition, not a fact ("if it stops working", «если не работает»).
CONDITIONS = re.compile(r"(?:if|whether|unless|case|если|ли|вдруг|чтобы|случае)$")
