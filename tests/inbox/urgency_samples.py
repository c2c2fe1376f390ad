# ruff: noqa: RUF001 - Russian mail is half the set
"""A labelled set of client mail for urgency detection: English and Russian, half urgent, with
the negatives that trip a word list (urgency denied, urgency only in the quoted history, a
condition, an old "Re: URGENT" subject on a thank-you, words like "down" and «горы» in calm
mail). Written for Tandem's tests, not taken from anywhere."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    subject: str
    body: str
    urgent: bool
    #: The mail opens a new conversation (its subject is the client's own words).
    opens: bool = True


QUOTE_EN = "\n\nOn Mon, 30 Nov 2026 at 10:00, Support <help@shop.test> wrote:\n> "
QUOTE_RU = "\n\n30 ноября 2026 г., в 10:00, Поддержка <help@shop.test> написал(а):\n> "

SAMPLES: list[Sample] = [
    # English, urgent
    Sample("URGENT: checkout broken", "Customers cannot complete orders since 9am.", True),
    Sample("Site is down", "Our whole site is down, please help.", True),
    Sample("Help", "The website went down twenty minutes ago and nothing loads.", True),
    Sample("Payments", "Card payments are failing for every customer right now.", True),
    Sample("Login", "None of our staff can log in to the dashboard. We can't work.", True),
    Sample("Need this ASAP", "Please re-issue invoice 114 ASAP, the auditor is here.", True),
    Sample("Orders", "We are losing orders every minute the cart is broken.", True),
    Sample("Critical issue with API", "Your API returns 503 errors on every call.", True),
    Sample("Export", "The export is not working at all since the update.", True),
    Sample("question", "Hi, I can't pay my invoice, the button does nothing.", True),
    Sample(
        "Re: integration", "It stopped working again, we need it fixed immediately.", True, False
    ),
    Sample("Re: shop", "Update: now the server is down too and we lose sales.", True, False),
    Sample("Production", "Emergency: our production database is unreachable.", True),
    Sample("Checkout", "Checkout doesn't work on mobile, customers are leaving.", True),
    Sample("Outage?", "Is there an outage? Our store shows a 502 Bad Gateway.", True),
    Sample("Please call me", "This is urgent, please call me back as soon as possible.", True),
    # Russian, urgent
    Sample("СРОЧНО", "Сайт не открывается у всех клиентов.", True),
    Sample("Оплата", "У клиентов не проходит оплата картой с утра.", True),
    Sample("Помогите", "Сайт упал, теряем заказы каждую минуту!", True),
    Sample("Касса", "Касса не работает, очередь из покупателей.", True),
    Sample("вопрос", "Не можем войти в личный кабинет, вся команда стоит.", True),
    Sample("Горит!", "Горит отчёт для налоговой, нужна выгрузка сегодня.", True),
    Sample("Критично", "Критичная ошибка при оформлении заказа.", True),
    Sample("Ошибка", "На сайте ошибка 502, покупатели уходят.", True),
    Sample("Сервер", "Сервер лежит уже полчаса, ничего не грузится.", True),
    Sample("Re: импорт", "Импорт снова перестал работать, срочно нужна помощь.", True, False),
    Sample("Re: заказ 4411", "Платежи не проходят, мы теряем клиентов.", True, False),
    Sample("Приложение", "Приложение не загружается у всех пользователей.", True),
    Sample("Просьба", "Пожалуйста, ответьте как можно скорее, это очень важно.", True),
    Sample("Авария", "У нас авария на складе, система учёта недоступна.", True),
    Sample("Личный кабинет", "Не получается оплатить тариф, деньги списались.", True),
    Sample("Помощь", "Немедленно верните доступ, магазин недоступен.", True),
    # English, not urgent
    Sample("Logo", "How do I put a cat picture in the header block? No rush.", False),
    Sample("Question", "This is not urgent, but how do I export contacts?", False),
    Sample("Invoice", "Nothing critical, just wondering when the invoice comes.", False),
    Sample("Re: URGENT: checkout broken", "Thanks, all works now!", False, False),
    Sample(
        "Re: site",
        "Thank you, everything is fine now." + QUOTE_EN + "Our whole site is down, urgent!",
        False,
        False,
    ),
    Sample("Tip", "If payments fail in the future, who should we call?", False),
    Sample("Pricing", "Could you send the price list for the down payment option?", False),
    Sample("Feature", "It would be nice to scroll down the report faster.", False),
    Sample("Hello", "Just a heads up that our office is closed on Friday.", False),
    Sample("Docs", "Where is the documentation for webhooks?", False),
    Sample("Question about plans", "Can you tell me the difference between plans?", False),
    Sample("Feedback", "Great update, the new editor works nicely.", False),
    Sample("Re: export", "No emergency here, the export finished fine.", False, False),
    Sample("Holidays", "Will support be open during the holidays?", False),
    Sample("Password", "How can I change my password when I have time?", False),
    Sample("Later", "Not critical at all: the footer font looks a bit small.", False),
    # Russian, not urgent
    Sample("Вопрос", "Это не срочно, подскажите, как поменять логотип?", False),
    Sample("Картинка", "Как вставить картинку с котиком в блок? Не горит.", False),
    Sample("Re: СРОЧНО", "Спасибо, всё заработало!", False, False),
    Sample(
        "Re: оплата",
        "Спасибо, вопрос решён." + QUOTE_RU + "У клиентов не проходит оплата, срочно!",
        False,
        False,
    ),
    Sample("Вопрос", "Если не проходит оплата, куда нам писать?", False),
    Sample("Отпуск", "Уезжаем в горы, ответим после праздников.", False),
    Sample("Тарифы", "Пришлите, пожалуйста, тарифы на следующий год.", False),
    Sample("Счёт", "Ничего срочного, просто пришлите счёт за ноябрь.", False),
    Sample("Отзыв", "Новая версия работает отлично, спасибо!", False),
    Sample("Документы", "Где найти документацию по API?", False),
    Sample("Пароль", "Как сменить пароль администратора?", False),
    Sample("Шрифт", "Не критично, но шрифт в подвале мелковат.", False),
    Sample("Re: импорт", "Импорт прошёл, всё в порядке.", False, False),
    Sample("Встреча", "Можно созвониться на следующей неделе без спешки?", False),
    Sample("Вопрос", "Подскажите, как выгрузить отчёт в Excel?", False),
    Sample("Курс", "Курс доллара упал, пересчитаете ли вы цены?", False),
]

#: Written after the word list was settled and never tuned against: its figures say how the
#: list does on mail it was not written for.
HELD_OUT: list[Sample] = [
    Sample("Store offline", "Our online store has been offline for an hour, help!", True),
    Sample("Billing", "Every customer gets 'payment declined' at checkout.", True),
    Sample("Quick one", "Need the refund processed urgently please.", True),
    Sample("Broken", "Nobody can sign in since your release, we are stuck.", True),
    Sample("Re: sync", "The sync broke again and orders are not coming through.", True, False),
    Sample("Сайт", "Сайт недоступен, клиенты звонят и ругаются.", True),
    Sample("Ошибка оплаты", "Покупатели не могут оплатить заказ, пишет ошибку.", True),
    Sample("Срочный вопрос", "Нужно сегодня же поменять реквизиты в счёте.", True),
    Sample("Рассылка", "Рассылка не уходит, а у нас акция через час!", True),
    Sample("Re: доступ", "Опять не пускает в админку, работа встала.", True, False),
    Sample("Theme", "When you get a chance, can the header be blue?", False),
    Sample("Re: Urgent: refund", "Got the refund, thanks a lot!", False, False),
    Sample("Training", "Do you offer training for new staff?", False),
    Sample("Not urgent", "Low priority: typo on the pricing page.", False),
    Sample("Reports", "If the report ever fails, does it retry itself?", False),
    Sample("Реквизиты", "Пришлите реквизиты, когда будет минутка.", False),
    Sample("Re: Сайт упал", "Всё поднялось, спасибо за быструю помощь.", False, False),
    Sample("Идея", "Было бы здорово добавить тёмную тему.", False),
    Sample("Вопрос", "Не срочно: можно ли выгрузить клиентов в CSV?", False),
    Sample("Цены", "Цены на сервер упали, будете пересматривать тарифы?", False),
]

#: Written after the word list was widened from what HELD_OUT missed, and never tuned against.
HELD_OUT_2: list[Sample] = [
    Sample("Emails", "None of our notification emails are being delivered since noon.", True),
    Sample("API", "Your API has been timing out for every request in the last hour.", True),
    Sample("Checkout page", "The checkout page crashes on submit, customers give up.", True),
    Sample("Account locked", "Our admin account is locked and we cannot get in at all.", True),
    Sample("Re: billing", "We were charged twice, please fix this today!", True, False),
    Sample("Заказы", "Заказы с сайта перестали приходить в CRM.", True),
    Sample("Виснет", "Программа зависает при каждом сохранении, работать невозможно.", True),
    Sample("Деньги", "Клиенты оплатили, а деньги не поступают уже второй день.", True),
    Sample("Помогите срочно", "Всё сломалось после обновления.", True),
    Sample("Re: интеграция", "Выгрузка в 1С опять не идёт, склад стоит.", True, False),
    Sample("Colours", "Could you make the header colour a bit darker sometime?", False),
    Sample("Invoice copy", "Please send a copy of last month's invoice when convenient.", False),
    Sample("Re: API timeouts", "All good now, thanks for fixing it.", False, False),
    Sample("Webinar", "Is the webinar recording available?", False),
    Sample("Question", "What happens if the site goes down during a sale?", False),
    Sample("Логотип", "Можно ли поменять логотип в письмах? Не к спеху.", False),
    Sample("Re: оплата не проходит", "Всё прошло, спасибо!", False, False),
    Sample("Обучение", "Есть ли у вас обучающие видео для новых сотрудников?", False),
    Sample("Вопрос", "Что делать, если сайт вдруг упадёт ночью?", False),
    Sample("Договор", "Пришлите, пожалуйста, договор на подпись.", False),
]

#: Written before the detector was changed for it, with the negatives that a word list trips on
#: hardest: urgency denied, urgent history quoted under a thank-you, newsletters announcing a
#: "critical update", urgency in a signature's company name or hotline, and an outage told in
#: the past ("was down yesterday, fine now").
HELD_OUT_3: list[Sample] = [
    # English, urgent
    Sample(
        "Can't take bookings",
        "Since this morning our booking form throws an error and no reservations come in."
        " We're a hotel, this is costing us.",
        True,
    ),
    Sample(
        "Help please",
        "Customers are getting charged but their orders never show up. Please look at this now.",
        True,
    ),
    Sample(
        "Everything is stuck",
        "The admin panel won't load for anyone on our team, we are completely blocked.",
        True,
    ),
    Sample(
        "Time-sensitive",
        "Our launch is in two hours and the product pages return a blank screen.",
        True,
    ),
    Sample(
        "Re: SSL",
        "The certificate expired and browsers now block our shop with a security warning.",
        True,
        False,
    ),
    Sample(
        "Payouts",
        "Payouts to our sellers failed last night and again this morning, they are furious.",
        True,
    ),
    Sample("Mobile app", "The app crashes on launch for all iOS users after today's update.", True),
    Sample(
        "Data missing", "Half of our customer records disappeared from the CRM an hour ago!", True
    ),
    Sample(
        "Please respond quickly",
        "We're getting 404 on every product page, Google ads are sending traffic to nothing.",
        True,
    ),
    Sample(
        "Re: webhooks",
        "Still broken: no webhooks delivered for 3 hours, our warehouse can't ship.",
        True,
        False,
    ),
    Sample(
        "Blocker",
        "This is a blocker for us: invoices can't be generated and month-end closes today.",
        True,
    ),
    # Russian, urgent
    Sample("Не грузится", "Админка висит на загрузке у всех менеджеров, работать не можем.", True),
    Sample(
        "Ошибка при оплате", "Покупатели жалуются: деньги списываются, а заказ не создаётся.", True
    ),
    Sample(
        "Очень нужно",
        "Нужна ваша помощь прямо сейчас: письма клиентам перестали отправляться.",
        True,
    ),
    Sample(
        "Re: интеграция с маркетплейсом",
        "Остатки не синхронизируются с утра, продаём то, чего нет.",
        True,
        False,
    ),
    Sample("Пропали данные", "Из базы пропали все заказы за вчера, помогите!", True),
    Sample("Сертификат", "Истёк сертификат, браузеры не пускают покупателей на сайт.", True),
    Sample("Касса", "Онлайн-касса не печатает чеки, штрафы же будут.", True),
    Sample("Авария?", "Сайт выдаёт белый экран, клиенты не могут ничего заказать.", True),
    Sample("Блокер", "Не можем выставить счета, сегодня закрываем месяц.", True),
    Sample(
        "Re: доставка",
        "Опять не считается стоимость доставки, корзина пустая у всех.",
        True,
        False,
    ),
    Sample(
        "Помогите пожалуйста", "Приложение вылетает сразу после запуска у всех на Android.", True
    ),
    # English, not urgent
    Sample(
        "Question",
        "This is not urgent at all: could you add our VAT number to future invoices?",
        False,
    ),
    Sample(
        "Re: checkout",
        "Thanks, it works again." + QUOTE_EN + "URGENT: checkout is down and we are losing orders!",
        False,
        False,
    ),
    Sample(
        "Product news: critical update",
        "Our November newsletter: a critical update to the editor, new templates and a webinar.",
        False,
    ),
    Sample(
        "Monthly digest",
        "In this issue: why critical security updates matter and how to stay ahead.",
        False,
    ),
    Sample(
        "Small request",
        "Could you change the sender name on our emails?\n\nBest regards,\nMaria Lopez\n"
        "Urgent Care Partners, Inc.",
        False,
    ),
    Sample(
        "Report",
        "The dashboard was down yesterday for a while, it's fine now. Just letting you know.",
        False,
    ),
    Sample(
        "Re: outage",
        "The site was down this morning but it came back by noon, thanks.",
        False,
        False,
    ),
    Sample("Not urgent", "Whenever you can: the export lists dates in US format.", False),
    Sample(
        "Invoice",
        "Please send the invoice for December.\n\nThanks,\nTom\nFor urgent matters call"
        " +1 555 0100",
        False,
    ),
    Sample("Feature idea", "Not urgent, but a bulk edit for tags would save us time.", False),
    Sample(
        "Re: login",
        "Never mind, we couldn't log in because of a typo in the password. All good.",
        False,
        False,
    ),
    # Russian, not urgent
    Sample("Вопрос", "Не срочно, но подскажите, как добавить второго администратора?", False),
    Sample(
        "Re: оплата",
        "Спасибо, всё работает." + QUOTE_RU + "СРОЧНО! Не проходит оплата, теряем заказы!",
        False,
        False,
    ),
    Sample(
        "Новости сервиса",
        "В выпуске: критическое обновление безопасности, новые шаблоны и вебинар.",
        False,
    ),
    Sample(
        "Акт сверки",
        "Пришлите акт сверки.\n\nС уважением,\nОльга\nОтдел срочных поставок",
        False,
    ),
    Sample(
        "Отчёт",
        "Вчера сайт не работал пару часов, сейчас всё нормально, просто для информации.",
        False,
    ),
    Sample("Re: сбой", "Сервер лежал ночью, утром уже поднялся, спасибо.", False, False),
    Sample("Идея", "Совсем не срочно: добавьте, пожалуйста, экспорт в PDF.", False),
    Sample("Вопрос по тарифу", "Когда будет минутка, расскажите про годовой тариф.", False),
    Sample("Пожелание", "Было бы удобно, если бы отчёты приходили по понедельникам.", False),
    Sample("Рассылка", "Рассылка вчера не уходила, но сегодня уже ушла, всё в порядке.", False),
    Sample(
        "Подпись",
        "Подскажите, как поменять подпись в письмах?\n\n--\nИван Петров\n"
        "Служба срочной доставки «Молния»",
        False,
    ),
]
