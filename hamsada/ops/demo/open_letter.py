"""The demo open letter: civil-society organisations (all invented) write to an
international court; its timeline holds a denial, a joint statement by other
states, a report and a court that has not commented."""

from datetime import timedelta

from django.utils import timezone

from hamsada.campaigns.actions import open_campaign
from hamsada.campaigns.models import Campaign, CampaignText, Channel, Event, EventText, Target
from hamsada.outbox.models import Message
from hamsada.participation.actions import confirm_act, record_act, review_organisation
from hamsada.participation.models import Act, OrganisationSignature

SLUG = "open-letter-gender-persecution"

PROSECUTOR = {
    "name": "The Prosecutor (demo)",
    "title": "Prosecutor",
    "institution": "International Court of Justice for Women (demo)",
    "languages": "en",
}
SPOKESPERSON = {
    "name": "Spokesperson of the de facto authorities (demo)",
    "title": "Spokesperson",
    "institution": "Office of the Spokesperson, Kabul",
    "country": "AF",
    "languages": "ps, fa",
}

TEXTS = {
    "en": {
        "title": "Open letter: investigate gender persecution in Afghanistan",
        "summary": "Afghan women's rights activists, human-rights defenders and "
        "civil-society organisations ask the court to investigate the persecution of "
        "women and girls.",
        "body": "Dear Prosecutor,\n\n"
        "We, Afghan women's rights activists, human-rights defenders and civil-society "
        "organisations, write to you about the systematic exclusion of women and girls "
        "from education, work and public life in Afghanistan.\n\n"
        "These decrees are not isolated acts. Together they amount to **persecution on "
        "the grounds of gender**. We ask the court to act.\n\n"
        "*This is a demonstration open letter; every organisation named here is invented.*",
        "demands": "Open an investigation into gender persecution in Afghanistan.\n"
        "Hear the testimony of Afghan women, safely and in their languages.\n"
        "Report publicly on the progress of the investigation.",
    },
    "fa": {
        "title": "نامهٔ سرگشاده: آزار جنسیتی در افغانستان را بررسی کنید",
        "summary": "فعالان حقوق زن، مدافعان حقوق بشر و نهادهای جامعهٔ مدنی افغانستان از "
        "محکمه می‌خواهند آزار زنان و دختران را بررسی کند.",
        "body": "محترم سارنوال،\n\n"
        "ما، فعالان حقوق زن، مدافعان حقوق بشر و نهادهای جامعهٔ مدنی افغانستان، دربارهٔ "
        "محرومیت نظام‌مند زنان و دختران از آموزش، کار و زندگی عمومی در افغانستان به شما "
        "می‌نویسیم.\n\n"
        "این فرمان‌ها کارهای جداگانه نیستند. همهٔ آن‌ها با هم **آزار بر پایهٔ جنسیت** به شمار می‌روند. "
        "از محکمه می‌خواهیم اقدام کند.\n\n"
        "*این یک نامهٔ سرگشادهٔ نمایشی است؛ همهٔ سازمان‌های نام‌برده ساختگی‌اند.*",
        "demands": "دربارهٔ آزار جنسیتی در افغانستان تحقیق را آغاز کنید.\n"
        "شهادت زنان افغان را با امنیت و به زبان خودشان بشنوید.\n"
        "پیشرفت تحقیق را به‌طور علنی گزارش دهید.",
    },
    "ps": {
        "title": "پرانیستی لیک: په افغانستان کې جنسیتي ځورونه وڅېړئ",
        "summary": "د افغانستان د ښځو د حقونو فعالان، د بشري حقونو مدافعین او د مدني ټولنې "
        "بنسټونه له محکمې غواړي چې د ښځو او نجونو ځورونه وڅېړي.",
        "body": "محترم څارنوال،\n\n"
        "موږ، د افغانستان د ښځو د حقونو فعالان، د بشري حقونو مدافعین او د مدني ټولنې "
        "بنسټونه، تاسو ته په افغانستان کې له زده کړې، کار او عامه ژوند څخه د ښځو او نجونو "
        "د منظم محرومیت په اړه لیکو.\n\n"
        "دا فرمانونه جلا کارونه نه دي. ټول په ګډه **د جنسیت پر بنسټ ځورونه** جوړوي. له محکمې "
        "غواړو چې اقدام وکړي.\n\n"
        "*دا یو نمایشي پرانیستی لیک دی؛ ټول یاد شوي بنسټونه فرضي دي.*",
        "demands": "په افغانستان کې د جنسیتي ځورونې په اړه څېړنه پیل کړئ.\n"
        "د افغان ښځو شاهدي په خوندي ډول او په خپلو ژبو واورئ.\n"
        "د څېړنې د پرمختګ په اړه په عامه توګه راپور ورکړئ.",
    },
}

ORGANISATIONS = [
    ("Afghan Women's Voice Network", "شبکهٔ صدای زنان افغان", "د افغان ښځو د غږ شبکه", "AF"),
    ("Kabul Legal Aid Collective", "انجمن کمک حقوقی کابل", "د کابل د حقوقي مرستې ډله", "AF"),
    ("Herat Teachers for Girls", "معلمان هرات برای دختران", "", "AF"),
    ("Diaspora Rights Forum", "", "", "DE"),
]
WAITING = ("Friends of Afghan Schools", "دوستان مکتب‌های افغان", "", "CA")
INDIVIDUALS = [
    ("Mariam Ahmadi", "Lawyer, Kabul", "fa", True),
    ("زرغونه احمدزۍ", "ښوونکې، کندهار", "ps", True),
    ("Fatima Rahimi", "", "en", True),
    ("سحر نوری", "مدافع حقوق بشر", "fa", True),
    ("", "", "fa", False),
    ("", "", "ps", False),
]

# (days ago, kind, target, stance, quote, source, {language: (title, summary)})
EVENTS = [
    (
        30,
        Event.Kind.STATEMENT,
        None,
        "",
        "",
        "https://example.org/joint-statement",
        {
            "en": (
                "Joint statement by 22 states (demo)",
                "Twenty-two states call the restrictions on women and girls a grave "
                "violation of their rights.",
            ),
            "fa": (
                "اعلامیهٔ مشترک ۲۲ کشور (نمایشی)",
                "بیست و دو کشور محدودیت‌های وضع‌شده بر زنان و دختران را نقض جدی حقوق آنان می‌خوانند.",
            ),
            "ps": (
                "د ۲۲ هېوادونو ګډه اعلامیه (نمایشي)",
                "دوه ویشت هېوادونه پر ښځو او نجونو بندیزونه د هغوی د حقونو جدي سرغړونه بولي.",
            ),
        },
    ),
    (
        25,
        Event.Kind.RESPONSE,
        SPOKESPERSON,
        Event.Stance.DENIED,
        "These accusations are baseless; the rights of women are protected.",
        "https://example.org/spokesperson-statement",
        {
            "en": ("The spokesperson denies the accusations", ""),
            "fa": ("سخنگو اتهام‌ها را رد می‌کند", ""),
            "ps": ("ویاند تورونه ردوي", ""),
        },
    ),
    (
        18,
        Event.Kind.STATEMENT,
        None,
        "",
        "",
        "https://example.org/rights-monitor-report",
        {
            "en": (
                "Report: 'Erased from public life' (demo)",
                "An invented rights monitor documents 80 decrees restricting women since 2021.",
            ),
            "fa": (
                "گزارش: «حذف از زندگی عمومی» (نمایشی)",
                "یک نهاد نظارتی ساختگی ۸۰ فرمان محدودکنندهٔ زنان را از ۲۰۲۱ به این سو ثبت کرده است.",
            ),
            "ps": (
                "راپور: «له عامه ژونده ایستل شوې» (نمایشي)",
                "یو فرضي څارونکی بنسټ له ۲۰۲۱ کال راهیسې د ښځو د محدودولو ۸۰ فرمانونه ثبتوي.",
            ),
        },
    ),
    (
        6,
        Event.Kind.RESPONSE,
        PROSECUTOR,
        Event.Stance.NO_COMMENT,
        "",
        "",
        {
            "en": ("The court has not commented", "Asked by journalists, the court declined."),
            "fa": ("محکمه نظری نداده است", "محکمه در پاسخ به خبرنگاران از اظهار نظر خودداری کرد."),
            "ps": ("محکمې نظر نه دی ورکړی", "محکمې خبریالانو ته له نظر ورکولو ډډه وکړه."),
        },
    ),
]


def load_open_letter(organization):
    if Campaign.objects.filter(slug=SLUG).exists():
        return
    now = timezone.now()
    campaign = Campaign.objects.create(
        organization=organization,
        slug=SLUG,
        kind=Campaign.Kind.OPEN_LETTER,
        deadline=now + timedelta(days=60),
        response_due=(now - timedelta(days=2)).date(),
    )
    targets = {}
    for data in (PROSECUTOR, SPOKESPERSON):
        target, created = Target.objects.get_or_create(name=data["name"], defaults=data)
        if created and data is PROSECUTOR:
            Channel.objects.create(target=target, kind="email", value="prosecutor@example.org")
        campaign.targets.add(target)
        targets[data["name"]] = target
    for language, text in TEXTS.items():
        CampaignText.objects.create(campaign=campaign, language=language, **text)
    open_campaign(campaign, now)
    campaign.events.filter(kind=Event.Kind.LAUNCH).update(
        happened_on=(now - timedelta(days=40)).date()
    )
    for days, kind, target, stance, quote, source, texts in EVENTS:
        event = Event.objects.create(
            campaign=campaign,
            kind=kind,
            target=targets[target["name"]] if target else None,
            stance=stance,
            quote=quote,
            source_url=source,
            happened_on=(now - timedelta(days=days)).date(),
            created_at=now,
        )
        for language, (title, body) in texts.items():
            EventText.objects.create(event=event, language=language, title=title, body=body)
    add_signatories(campaign, now)


def add_signatories(campaign, now):
    for number, (name_en, name_fa, name_ps, country) in enumerate([*ORGANISATIONS, WAITING]):
        act = record_act(
            campaign,
            kind=Act.Kind.ORGANISATION,
            name="Demo contact",
            email=f"organisation{number}@example.org",
            country=country,
            show_name=False,
            wants_updates=False,
            language="en",
            now=now,
            organisation=OrganisationSignature(
                name_en=name_en, name_fa=name_fa, name_ps=name_ps, website="https://example.org"
            ),
        )
        confirm_act(act.pk, now)
        if (name_en, name_fa, name_ps, country) != WAITING:
            review_organisation(act.organisation, OrganisationSignature.Review.APPROVED, now, None)
    for number, (name, affiliation, language, public) in enumerate(INDIVIDUALS):
        act = record_act(
            campaign,
            kind=Act.Kind.COSIGNATURE,
            name=name or "Private supporter",
            affiliation=affiliation,
            email=f"cosigner{number}@example.org",
            country="AF",
            show_name=public,
            wants_updates=False,
            language=language,
            now=now,
        )
        confirm_act(act.pk, now)
    # Demo acts are confirmed as they are made; no confirmation email is owed.
    Message.objects.filter(act__campaign=campaign).delete()
