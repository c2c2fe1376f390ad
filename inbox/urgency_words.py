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
    r"|dashboard|platform|login|everything|production|prod|payments?|database|db|admin|panel"
    r"|pages?|forms?|crm|integration|sync|webhooks?|emails?|notifications?"
)
_RU_SYSTEM = (
    r"сайт\w*|сервер\w*|приложени\w*|сервис\w*|систем\w*|магазин\w*|касс\w*|все|api|апи"
    r"|кабинет\w*|прод|оплат\w*|платеж\w*|корзин\w*|баз\w*|админк\w*|программ\w*"
)
_CANT = r"can't|cannot|cant|unable|impossible"
_ACT = r"pay|log|login|checkout|access|order|buy|purchase|sign|get|ship|send|sell|work|process"
_RU_CANT = r"могу|можем|могут|может|получается|удается"
_RU_ACT = (
    r"оплатить|заплатить|войти|зайти|оформить|купить|авторизоваться|заказать|работать"
    r"|выставить|отправить|отгрузить|продавать"
)
#: What a system does for the client: "stopped sending", «не создаётся», «перестали приходить».
_DOES = r"load\w*|send\w*|sync\w*|print\w*|arriv\w*|deliver\w*|respond\w*|open\w*|sav\w*"
_RU_DOES = (
    r"созда\w*|сохраня\w*|отправля\w*|печата\w*|синхронизир\w*|считает\w*|грузит\w*"
    r"|формир\w*"
)
#: Where a client's data lives, for "records disappeared", «пропали заказы».
_DATA = r"records?|data|orders?|customers?|contacts?|files?|products?"
_RU_DATA = r"заказ\w*|данн\w*|клиент\w*|товар\w*|файл\w*|запис\w*|контакт\w*"

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
        r"time sensitive",
        r"blocker",
        r"блокер\w*",
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
        r"(?:won't|wouldn't|doesn't|don't|can't|cannot|isn't|aren't|not) (?:load\w*|open\w*)",
        rf"stopped (?:{_DOES})",
        r"(?:blank|white|empty) (?:screen|page)s?",
        r"(?:белый|пустой) экран",
        r"(?:404|500|502|503|504) (?:on|for) (?:every|all|each)",
        r"(?:getting|get|returns?|throws?|shows?) (?:404|500|502|503|504|errors?)",
        r"(?:timing|times|timed) out",
        r"(?:never|longer) (?:show\w*|com\w*|arriv\w*|deliver\w*|received)",
        r"no (?:come|coming|arriv\w*|deliver\w*)",
        r"charged (?:twice|but|without)",
        r"(?:double|twice) charged",
        rf"(?:{_CANT}) be (?:generated|created|sent|paid|processed|opened|loaded|saved)",
        rf"(?:{_DATA}) (?:disappeared|vanished|gone|missing|deleted|wiped)",
        rf"(?:disappeared|vanished|lost|deleted|wiped) (?:{_DATA})",
        r"(?:payouts?|transfers?|invoices?) (?:fail\w*|declin\w*|rejected|bounced)",
        r"(?:certificate|ssl|domain) expired",
        r"expired (?:certificate|ssl|domain)",
        r"(?:account\w*|access|we|we're|i'm|i) (?:locked|blocked|stuck|suspended)",
        rf"не (?:{_RU_DOES})",
        rf"перестал\w* (?:{_RU_DOES}|отправлят\w*|приходить|уходить|печатать|открываться)",
        rf"(?:{_RU_SYSTEM}) (?:висит|виснет|зависа\w*)",
        r"работать не (?:можем|могу|могут|получается)",
        r"деньги спис\w*",
        r"деньги не поступа\w*",
        rf"(?:пропал\w*|исчез\w*|удалил\w*|потерял\w*) (?:{_RU_DATA})",
        rf"(?:{_RU_DATA}) (?:пропал\w*|исчез\w*|удалил\w*)",
        r"(?:истек\w*) (?:сертификат\w*|домен\w*|ssl)",
        r"(?:сертификат\w*|домен\w*|ssl) (?:истек\w*)",
    ),
]

#: Before an explicit phrase: "not urgent", «не срочно», «ничего срочного», "no emergency".
NEGATIONS = re.compile(
    r"(?:not|no|isn't|isnt|nothing|never|hardly|without|не|нет|ничего|ни|никак\w*|без)$"
)
#: After an explicit word, the thing it describes when it is not the client's situation: a
#: release's "critical update", «критическое обновление безопасности».
ANNOUNCED = re.compile(
    r"(?:updates?|patch\w*|releases?|security|fix\w*|versions?|vulnerabilit\w*|обновлени\w*"
    r"|патч\w*|релиз\w*|исправлени\w*|безопасност\w*|верси\w*|уязвимост\w*)$"
)
#: Before an explicit word, and after it, what makes it a category a signature or a notice
#: names ("for urgent matters call …", «по срочным вопросам»), not this mail's matter.
CATEGORY_BEFORE = re.compile(
    r"(?:for|in|all|any|department|desk|team|для|по|все|всех|любым|любых|отдел\w*|служб\w*)$"
)
CATEGORY_AFTER = re.compile(
    r"(?:matters|issues|questions|enquiries|inquiries|requests|cases|calls|support|line"
    r"|вопрос\w*|обращени\w*|случа\w*|заявк\w*|поставок|доставк\w*)$"
)
#: Said after the trouble: it is over ("fine now", "came back", «всё в порядке», «поднялся»).
RESOLVED = [
    _phrase(text)
    for text in (
        r"(?:fine|ok|okay|good|working|works|normal) now",
        r"now (?:fine|ok|okay|good|working|works|normal)",
        r"all good",
        r"back online",
        r"back to normal",
        r"(?:came|comes|is|are) back",
        r"(?:works|working|running) again",
        r"(?:is|was|been|got|now) resolved",
        r"(?:все|всё) (?:нормально|хорошо|работает|заработал\w*|прошло)",
        r"в порядке",
        r"уже (?:работает|поднял\w*|восстанов\w*|ушл\w*|пришл\w*|заработал\w*)",
        r"заработал\w*|починил\w*|восстановил\w*",
    )
]
#: Before a "resolved" phrase: it is not over ("stopped working again", «не заработало»).
UNRESOLVED = re.compile(r"(?:not|never|stopped|still|не|перестал\w*|так|до)$")
#: Before any phrase: a condition, not a fact ("if it stops working", «если не работает»).
CONDITIONS = re.compile(r"(?:if|whether|unless|case|если|ли|вдруг|чтобы|случае)$")
