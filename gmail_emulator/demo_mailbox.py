# ruff: noqa: RUF001 - the demo is partly in Russian; Cyrillic letters are intended
"""What the demo support mailbox contains: the conversations `seed` turns into RFC 822 mail.

Plain data only (people, subjects, turns of each conversation) so the demo reads like a real
support inbox: English and Russian clients, colleagues in Cc, attachments, HTML mail, an
auto-reply, a newsletter and one long thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAILBOX = "support@acme.test"
MAILBOX_NAME = "Acme Support"
ALIASES = ("help@acme.test", "billing@acme.test")


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class Conversation:
    """Turns alternate client / support, starting with the client."""

    subject: str
    client: tuple[str, str]
    turns: tuple[str, ...]
    cc: tuple[tuple[str, str], ...] = ()
    russian: bool = False
    html: bool = False
    to: str = MAILBOX
    attachment: Attachment | None = None
    attachment_turn: int = 0
    headers: tuple[tuple[str, str], ...] = field(default=())


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5f1c10000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LOG = b"2026-03-02T09:14:03Z ERROR sync worker: timeout after 30s (job 4411)\n" * 3

CONVERSATIONS: tuple[Conversation, ...] = (
    Conversation(
        "Cannot log in after password reset",
        ("Laura Chen", "laura.chen@northwind.test"),
        (
            "Hi, I reset my password this morning and now the login page just reloads. "
            "Could you help? We have a demo at 2 pm.",
            "Hi Laura, thanks for writing - I see your request and will come back by 11:00. "
            "Could you tell me which browser you use?",
            "Chrome 124 on macOS. Incognito does not help either.",
            "Thank you. We found a stale session cookie on our side and cleared it. "
            "Please try again now.",
            "It works! Thanks a lot, right in time for the demo.",
        ),
        cc=(("Tom Becker", "tom.becker@northwind.test"),),
    ),
    Conversation(
        "Invoice 2026-0113 shows the wrong VAT number",
        ("Pieter de Vries", "finance@vandijk.test"),
        (
            "Hello, the invoice for February carries our old VAT number NL001. "
            "Please reissue it with NL8645.",
            "Hello Pieter, I see the mistake. I have asked billing to reissue it; "
            "you will have the corrected invoice by tomorrow 12:00.",
            "Great, thank you.",
        ),
        to="billing@acme.test",
        attachment=Attachment("invoice-2026-0113.pdf", "application/pdf", PDF),
        attachment_turn=1,
    ),
    Conversation(
        "Не приходят уведомления на почту",
        ("Ольга Смирнова", "olga@romashka.test"),
        (
            "Здравствуйте! Со вчерашнего дня не приходят уведомления о новых заказах. "
            "Проверили спам - там тоже пусто.",
            "Ольга, добрый день! Вижу ваш вопрос, разберусь и отвечу до 15:00.",
            "Спасибо, ждём.",
            "Нашли причину: адрес уведомлений был отключён после возврата письма. "
            "Включили снова - проверьте, пожалуйста.",
            "Всё пришло, спасибо большое!",
        ),
        cc=(("Игорь Павлов", "igor@romashka.test"),),
        russian=True,
    ),
    Conversation(
        "Export to CSV cuts off at 10,000 rows",
        ("Sam Okafor", "sam@brightlabs.test"),
        (
            "Our monthly export stops at exactly 10,000 rows. Is that a limit?",
            "Hi Sam, yes - the synchronous export stops there. The scheduled export has no "
            "limit; I have attached the steps as a screenshot.",
        ),
        attachment=Attachment("export-error.png", "image/png", PNG),
        attachment_turn=1,
    ),
    Conversation(
        "Urgent: checkout page returns 500",
        ("Maria Garcia", "maria@solmarket.test"),
        (
            "Our checkout is failing for every customer since 08:40. We are losing orders!",
            "Maria, we are on it right now - an engineer is looking at your store. "
            "Next update within 30 minutes.",
            "Any news? Still failing here.",
            "Fixed at 09:25: a payment provider certificate had expired. "
            "Orders placed since then go through. We will send a full report today.",
            "Confirmed, orders are coming in again. Please do send the report.",
            "Report attached. Sorry for the trouble, and thank you for your patience.",
        ),
        cc=(("Diego Ruiz", "diego@solmarket.test"), ("Ana Lopez", "ana@solmarket.test")),
        attachment=Attachment("server.log", "text/plain", LOG),
        attachment_turn=5,
    ),
    Conversation(
        "Как добавить второго администратора?",
        ("Дмитрий Козлов", "d.kozlov@vector.test"),
        (
            "Добрый день. Подскажите, как дать права администратора коллеге?",
            "Дмитрий, здравствуйте! Откройте Настройки → Команда, выберите коллегу и "
            "поставьте роль «Администратор». Если не получится - напишите, поможем.",
        ),
        russian=True,
        to="help@acme.test",
    ),
    Conversation(
        "Question about the annual plan",
        ("Emily Watson", "emily@watsondesign.test"),
        (
            "Hi! If we switch to the annual plan mid-month, is the current month refunded?",
            "Hi Emily, yes: the unused part of the month is credited to the annual invoice.",
            "Perfect, we will switch today.",
        ),
        html=True,
        to="billing@acme.test",
    ),
    Conversation(
        "API rate limit too low for our import",
        ("Kenji Tanaka", "kenji@fujidata.test"),
        (
            "We hit 429 errors when importing 50k contacts. Can the limit be raised?",
            "Hi Kenji, I see your question and will come back by 16:00 after checking with "
            "the platform team.",
            "We raised your limit to 20 requests/second for the next 7 days. Good luck with "
            "the import!",
        ),
        cc=(("Aiko Sato", "aiko@fujidata.test"),),
    ),
    Conversation(
        "Ошибка при оплате картой",
        ("Анна Кузнецова", "anna.k@lavka.test"),
        (
            "При оплате картой выдаёт «Платёж отклонён», хотя деньги на карте есть.",
            "Анна, здравствуйте! Банк отклонил платёж из-за 3-D Secure. Попробуйте ещё раз - "
            "должно прийти SMS с кодом.",
            "Получилось, спасибо!",
        ),
        russian=True,
        html=True,
        to="billing@acme.test",
    ),
    Conversation(
        "Feature request: dark mode",
        ("Chris Novak", "chris@pixelforge.test"),
        ("Any plans for a dark mode? My team works late and would love it.",),
    ),
    Conversation(
        "Webhook signatures do not verify",
        ("Lena Fischer", "lena@kraftwerk.test"),
        (
            "Our HMAC check fails for every webhook. We use the secret from the dashboard.",
            "Hi Lena, the signature covers the raw body - if your framework parses JSON "
            "first, the bytes change. Could you check that?",
            "That was it. We now verify the raw bytes. Thanks!",
        ),
        cc=(("Jonas Weber", "jonas@kraftwerk.test"),),
    ),
    Conversation(
        "Data processing agreement",
        ("Sophie Martin", "legal@lumiere.test"),
        (
            "Could you send us your DPA for signature?",
            "Hello Sophie, the DPA is attached; sign it and send it back, we countersign "
            "within two business days.",
        ),
        attachment=Attachment("DPA-Acme.pdf", "application/pdf", PDF),
        attachment_turn=1,
    ),
    Conversation(
        "Не работает импорт из Excel",
        ("Сергей Волков", "volkov@stroymir.test"),
        (
            "Загружаю файл xlsx - пишет «неверный формат». Файл прикладываю.",
            "Сергей, добрый день! В файле объединённые ячейки в заголовке - уберите их, и "
            "импорт пройдёт.",
            "Убрал, всё загрузилось. Благодарю!",
        ),
        russian=True,
        attachment=Attachment("price.xlsx", "application/octet-stream", b"PK\x03\x04xlsx"),
    ),
    Conversation(
        "Two-factor codes arrive late",
        ("Hannah Lee", "hannah@greenleaf.test"),
        (
            "The SMS codes for 2FA take 3-5 minutes to arrive, by then they have expired.",
            "Hi Hannah, thanks for the report. We switched your region to another SMS "
            "provider; codes should now arrive within seconds.",
        ),
    ),
    Conversation(
        "Cancel my subscription",
        ("Robert Brown", "rob@brownbakery.test"),
        (
            "Please cancel our subscription at the end of this billing period.",
            "Hi Robert, done - your plan stays active until 31 March and will not renew. "
            "Thank you for being with us; we would love to hear what we could do better.",
        ),
        to="billing@acme.test",
    ),
    Conversation(
        "Где найти закрывающие документы?",
        ("Елена Морозова", "buh@alfa-trade.test"),
        ("Добрый день! Нужны акты за первый квартал. Где их скачать?",),
        russian=True,
        to="billing@acme.test",
    ),
    Conversation(
        "Slow dashboard since Monday",
        ("Ahmed Hassan", "ahmed@desertrose.test"),
        (
            "The dashboard takes 20 seconds to load since Monday.",
            "Hi Ahmed, I see your request and will come back by 14:00.",
            "Thanks. It is mostly the Reports tab.",
            "We found a slow query on the Reports tab and deployed a fix. "
            "Load time is back under 2 seconds. Could you confirm?",
        ),
        cc=(("Fatima Ali", "fatima@desertrose.test"),),
        html=True,
    ),
    Conversation(
        "SSO with Okta",
        ("Julia Novak", "it@novakgroup.test"),
        (
            "Do you support SAML SSO with Okta on the Business plan?",
            "Hi Julia, yes. The setup guide is attached; the metadata URL is in "
            "Settings → Security.",
            "Set up and working for 40 users. Thanks!",
        ),
        attachment=Attachment("okta-setup.pdf", "application/pdf", PDF),
        attachment_turn=1,
    ),
    Conversation(
        "Дубли контактов после синхронизации",
        ("Павел Орлов", "orlov@telecom-plus.test"),
        (
            "После синхронизации с CRM у нас задвоились контакты - около 300 штук.",
            "Павел, здравствуйте! Вижу проблему, вернусь с ответом сегодня до 18:00.",
            "Дубли удалили, причину исправили: CRM отдавала один контакт с двумя ID. "
            "Подробности - в отчёте во вложении.",
        ),
        cc=(("Мария Орлова", "m.orlova@telecom-plus.test"),),
        russian=True,
        attachment=Attachment("отчёт.txt", "text/plain", "Удалено 312 дублей.\n".encode()),
        attachment_turn=2,
    ),
    Conversation(
        "Change the billing email",
        ("Nina Petrova", "nina@northstar.test"),
        (
            "Please send future invoices to accounts@northstar.test instead of me.",
            "Hi Nina, updated - the next invoice goes to accounts@northstar.test.",
        ),
        cc=(("Accounts", "accounts@northstar.test"),),
        to="billing@acme.test",
    ),
    Conversation(
        "Mobile app crashes on Android 15",
        ("Oliver Smith", "oliver@quickship.test"),
        (
            "The app crashes right after login on Android 15 (Pixel 8).",
            "Hi Oliver, thanks - we reproduced it and a fix ships in version 4.2.1 this "
            "Thursday. I will write to you when it is out.",
        ),
    ),
    Conversation(
        "Thank you!",
        ("Grace Kim", "grace@seoulbites.test"),
        ("Just wanted to say your team was great during our launch week. Thank you!",),
    ),
    Conversation(
        "Нужен счёт на оплату для юрлица",
        ("Алексей Соколов", "sokolov@gorizont.test"),
        (
            "Здравствуйте, выставите, пожалуйста, счёт на годовой тариф для ООО «Горизонт».",
            "Алексей, добрый день! Счёт во вложении, оплатить можно до 20 марта.",
        ),
        russian=True,
        to="billing@acme.test",
        attachment=Attachment("счёт-2026-031.pdf", "application/pdf", PDF),
        attachment_turn=1,
    ),
    Conversation(
        "Custom domain for the help center",
        ("Ben Carter", "ben@carterco.test"),
        (
            "How do we put the help center on help.carterco.test?",
            "Hi Ben, add a CNAME record help -> hc.acme.test and enter the domain in "
            "Settings → Help center; the certificate is issued automatically.",
            "Done, it is live. Thanks!",
        ),
        html=True,
    ),
    Conversation(
        "Wrong time zone in reports",
        ("Lucas Moreau", "lucas@atelier.test"),
        ("All report times are two hours off. Our account is set to Europe/Paris.",),
        cc=(("Chloe Bernard", "chloe@atelier.test"),),
    ),
    Conversation(
        "Можно ли перенести данные в другой аккаунт?",
        ("Наталья Белова", "belova@studio-n.test"),
        (
            "Мы открыли новое юрлицо. Можно ли перенести все данные в новый аккаунт?",
            "Наталья, здравствуйте! Да, перенос займёт один рабочий день. Подтвердите, "
            "пожалуйста, адрес нового аккаунта.",
            "Новый аккаунт: admin@studio-n2.test. Спасибо!",
        ),
        russian=True,
    ),
    Conversation(
        "Password policy for our team",
        ("Mike Johnson", "mike@johnsonlaw.test"),
        (
            "Can we require 14-character passwords for everyone in our workspace?",
            "Hi Mike, yes: Settings → Security → Password policy. It applies at next login.",
        ),
    ),
    Conversation(
        "Bulk delete of old tickets",
        ("Priya Sharma", "priya@curry-house.test"),
        ("Is there a way to delete all tickets older than 2023 at once?",),
        html=True,
    ),
)

AUTO_REPLY = Conversation(
    "Automatic reply: Invoice 2026-0113 shows the wrong VAT number",
    ("Pieter de Vries", "finance@vandijk.test"),
    (
        "I am out of the office until 10 March with limited access to email. "
        "For urgent matters please contact office@vandijk.test.",
    ),
    headers=(("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes")),
)

NEWSLETTER = Conversation(
    "SaaS Weekly #112: pricing pages that convert",
    ("SaaS Weekly", "news@saasweekly.test"),
    (
        "<h1>SaaS Weekly</h1><p>This week: five pricing pages that convert, and why annual "
        "plans reduce churn.</p><p><a href='https://saasweekly.test/u'>Unsubscribe</a></p>",
    ),
    html=True,
    headers=(
        ("List-Unsubscribe", "<mailto:unsubscribe@saasweekly.test>"),
        ("Precedence", "bulk"),
    ),
)

LONG_THREAD_SUBJECT = "Migration of 12 stores to the new API"
LONG_THREAD_CLIENT = ("Victor Hugo", "victor@grandmagasin.test")
LONG_THREAD_CC = (("Claire Dubois", "claire@grandmagasin.test"),)
LONG_THREAD_STEPS = (
    "store catalogue",
    "price lists",
    "customer accounts",
    "order history",
    "gift cards",
    "loyalty points",
    "tax settings",
    "shipping zones",
    "webhooks",
)
LONG_THREAD_OPENING = "We are ready to move our 12 stores to the new API. Where do we start?"
LONG_THREAD_NEXT = "Next step: {step}. Run the migration for {step} and tell us the result."
LONG_THREAD_DONE = "Done for {step}: all 12 stores migrated, no errors in the log."
LONG_THREAD_CLOSING = "All steps are done - thank you for guiding us through the migration!"
