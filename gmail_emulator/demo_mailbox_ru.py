# ruff: noqa: RUF001 - the Russian demo is written in Russian
"""What the demo support mailbox contains when the demo team works in Russian (`--seed demo-ru`):
the same kinds of conversation as `demo_mailbox` (an incident, an invoice, an export limit,
attachments, HTML mail, an auto-reply, a newsletter, one long thread), all from Russian-speaking
clients writing in Russian. Plain data only, like `demo_mailbox`, whose Russian conversations
it includes.
"""

from __future__ import annotations

from dataclasses import replace

from gmail_emulator import demo_mailbox as demo
from gmail_emulator.demo_mailbox import LOG, PDF, PNG, Attachment, Conversation

_OWN: tuple[Conversation, ...] = (
    Conversation(
        "Не могу войти после сброса пароля",
        ("Екатерина Лебедева", "e.lebedeva@severtrans.test"),
        (
            "Здравствуйте! Утром сбросила пароль, и теперь страница входа просто "
            "перезагружается. Помогите, пожалуйста, в 14:00 у нас демонстрация.",
            "Екатерина, добрый день! Вижу ваш вопрос, вернусь с ответом до 11:00. "
            "Подскажите, каким браузером вы пользуетесь?",
            "Chrome 124 на macOS. Режим инкогнито тоже не помогает.",
            "Спасибо. Мы нашли у себя устаревшую сессию и сбросили её. "
            "Попробуйте, пожалуйста, ещё раз.",
            "Всё работает! Большое спасибо, как раз успели к демонстрации.",
        ),
        cc=(("Андрей Беккер", "a.bekker@severtrans.test"),),
    ),
    Conversation(
        "В счёте 2026-0113 указан неверный ИНН",
        ("Виктория Зайцева", "buh@zaitsev-group.test"),
        (
            "Добрый день! В счёте за февраль указан наш старый ИНН 7701000000. "
            "Перевыставьте, пожалуйста, счёт с ИНН 7708645123.",
            "Виктория, здравствуйте! Вижу ошибку, бухгалтерия перевыставит счёт; "
            "исправленный документ пришлём завтра до 12:00.",
            "Отлично, спасибо.",
        ),
        to="billing@acme.test",
        attachment=Attachment("счёт-2026-0113.pdf", "application/pdf", PDF),
        attachment_turn=1,
    ),
    Conversation(
        "Выгрузка в CSV обрывается на 10 000 строк",
        ("Степан Ковалёв", "kovalev@svetlab.test"),
        (
            "Ежемесячная выгрузка останавливается ровно на 10 000 строк. Это ограничение?",
            "Степан, добрый день! Да, обычная выгрузка на этом останавливается. У выгрузки "
            "по расписанию ограничения нет; порядок действий прикладываю скриншотом.",
        ),
        attachment=Attachment("ошибка-выгрузки.png", "image/png", PNG),
        attachment_turn=1,
    ),
    Conversation(
        "Срочно: страница оформления заказа отдаёт ошибку 500",
        ("Марина Гаврилова", "marina@solnechny.test"),
        (
            "С 08:40 оформление заказа не работает ни у одного покупателя. Мы теряем заказы!",
            "Марина, уже занимаемся: инженер смотрит ваш магазин. "
            "Следующая новость — в течение 30 минут.",
            "Есть новости? У нас всё ещё ошибка.",
            "Исправлено в 09:25: истёк сертификат платёжного провайдера. "
            "Заказы с этого времени проходят. Полный отчёт пришлём сегодня.",
            "Подтверждаю, заказы снова идут. Ждём отчёт.",
            "Отчёт во вложении. Извините за неудобства и спасибо за терпение.",
        ),
        cc=(("Денис Руденко", "denis@solnechny.test"), ("Алина Лопатина", "alina@solnechny.test")),
        attachment=Attachment("server.log", "text/plain", LOG),
        attachment_turn=5,
    ),
    Conversation(
        "Вопрос о годовом тарифе",
        ("Ксения Воронина", "ksenia@voronina-design.test"),
        (
            "Здравствуйте! Если перейти на годовой тариф в середине месяца, "
            "остаток текущего месяца вернётся?",
            "Ксения, здравствуйте! Да, неиспользованная часть месяца зачтётся в годовой счёт.",
            "Отлично, сегодня же перейдём.",
        ),
        html=True,
        to="billing@acme.test",
    ),
    Conversation(
        "Не проходит проверка подписи вебхуков",
        ("Лев Фишман", "lev@kraftwerk.test"),
        (
            "Проверка HMAC не проходит ни для одного вебхука. Секрет берём из панели управления.",
            "Лев, добрый день! Подпись считается по исходному телу запроса: если фреймворк "
            "сначала разбирает JSON, байты меняются. Проверьте, пожалуйста, это.",
            "Дело было в этом. Теперь проверяем исходные байты. Спасибо!",
        ),
        cc=(("Юрий Вебер", "yuri@kraftwerk.test"),),
    ),
    Conversation(
        "Пожелание: тёмная тема",
        ("Кирилл Новиков", "kirill@pixelforge.test"),
        ("Планируете тёмную тему? Наша команда работает допоздна, нам бы очень пригодилось.",),
    ),
    Conversation(
        "Медленно открывается панель с понедельника",
        ("Тимур Хасанов", "timur@rosa-vetrov.test"),
        (
            "С понедельника панель управления открывается секунд двадцать.",
            "Тимур, здравствуйте! Вижу ваш вопрос, вернусь с ответом до 14:00.",
            "Спасибо. Тормозит в основном вкладка «Отчёты».",
            "Нашли медленный запрос на вкладке «Отчёты» и выкатили исправление. "
            "Страница снова открывается быстрее чем за 2 секунды. Подтвердите, пожалуйста.",
        ),
        cc=(("Фатима Алиева", "fatima@rosa-vetrov.test"),),
        html=True,
    ),
    Conversation(
        "Неверный часовой пояс в отчётах",
        ("Лука Морозов", "luka@atelier.test"),
        ("Все время в отчётах сдвинуто на два часа. В аккаунте указан пояс Europe/Moscow.",),
        cc=(("Кристина Бернар", "kristina@atelier.test"),),
    ),
)

CONVERSATIONS: tuple[Conversation, ...] = (
    *(replace(conversation, russian=True) for conversation in _OWN),
    *(conversation for conversation in demo.CONVERSATIONS if conversation.russian),
)

AUTO_REPLY = Conversation(
    "Автоматический ответ: В счёте 2026-0113 указан неверный ИНН",
    ("Виктория Зайцева", "buh@zaitsev-group.test"),
    (
        "Я в отпуске до 10 марта, почту читаю редко. "
        "По срочным вопросам пишите на office@zaitsev-group.test.",
    ),
    russian=True,
    headers=(("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes")),
)

NEWSLETTER = Conversation(
    "Дайджест SaaS №112: страницы с ценами, которые продают",
    ("Дайджест SaaS", "news@saas-digest.test"),
    (
        "<h1>Дайджест SaaS</h1><p>В этом выпуске: пять страниц с ценами, которые продают, "
        "и почему годовые тарифы снижают отток.</p>"
        "<p><a href='https://saas-digest.test/u'>Отписаться</a></p>",
    ),
    html=True,
    russian=True,
    headers=(
        ("List-Unsubscribe", "<mailto:unsubscribe@saas-digest.test>"),
        ("Precedence", "bulk"),
    ),
)

LONG_THREAD_SUBJECT = "Перенос 12 магазинов на новый API"
LONG_THREAD_CLIENT = ("Виктор Гусев", "gusev@grand-magazin.test")
LONG_THREAD_CC = (("Клара Дубова", "klara@grand-magazin.test"),)
LONG_THREAD_STEPS = (
    "каталог товаров",
    "прайс-листы",
    "учётные записи покупателей",
    "история заказов",
    "подарочные карты",
    "бонусные баллы",
    "налоговые настройки",
    "зоны доставки",
    "вебхуки",
)
LONG_THREAD_OPENING = "Мы готовы перевести 12 магазинов на новый API. С чего начать?"
LONG_THREAD_NEXT = "Следующий шаг: {step}. Перенесите {step} и сообщите результат."
LONG_THREAD_DONE = "Готово ({step}): все 12 магазинов перенесены, ошибок в журнале нет."
LONG_THREAD_CLOSING = "Все шаги пройдены — спасибо, что провели нас через переезд!"
