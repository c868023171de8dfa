"""The demo urgent action: modelled on a real one about Afghanistan (UA 118.20,
2020), with an invented case and invented contact details at example domains."""

from datetime import timedelta

from django.utils import timezone

from hamsada.campaigns.actions import open_campaign
from hamsada.campaigns.models import (
    Campaign,
    CampaignText,
    Channel,
    Event,
    EventText,
    PersonConcerned,
    Target,
)

SLUG = "ua-defender-detained"

TARGETS = [
    {
        "target": {
            "name": "President of the Republic (demo)",
            "title": "President",
            "institution": "Office of the President",
            "country": "AF",
            "languages": "fa, ps",
        },
        "salutations": {"en": "Dear President", "fa": "جناب رئیس جمهور", "ps": "ښاغلی ولسمشر"},
        "channels": [
            ("postal", "Office of the President\nPresidential Palace\nKabul\nAfghanistan", ""),
            ("email", "president@example.org", ""),
        ],
    },
    {
        "target": {
            "name": "Ambassador of Afghanistan to the United Kingdom (demo)",
            "title": "Ambassador",
            "institution": "Embassy of Afghanistan, London",
            "country": "GB",
            "languages": "en, fa",
        },
        "salutations": {"en": "Dear Ambassador", "fa": "محترم سفیر", "ps": "محترم سفیر صاحب"},
        "channels": [
            (
                "postal",
                "Embassy of Afghanistan\n1 Example Gardens\nLondon W1A 0AX\nUnited Kingdom",
                "",
            ),
            ("phone", "+44 20 7946 0000", "Weekdays, 9:00 to 17:00 London time"),
            ("fax", "+44 20 7946 0001", ""),
            ("email", "ambassador@example.org", ""),
            ("contact_form", "https://embassy.example.org/contact", ""),
            ("x", "@EmbassyExample", "The embassy"),
            ("x", "@AmbassadorExample", "The ambassador"),
            ("facebook", "https://social.example.org/EmbassyExample", ""),
        ],
    },
]

TEXTS = {
    "en": {
        "title": "Women's rights defender detained without charge",
        "summary": "A women's rights defender was taken from her home in Kabul and has been "
        "held without charge and without access to her family or a lawyer.",
        "body": "On the night of her arrest, armed men took the defender from her home. "
        "Her family has not been told where she is held.\n\n"
        "She had organised literacy classes for women in her district. **She is at risk of "
        "ill-treatment.**\n\n*This is a demonstration urgent action: the case and all "
        "contact details are invented.*",
        "demands": "Release her immediately and unconditionally.\n"
        "Until then, let her see her family and a lawyer of her choice.\n"
        "Ensure that she is not ill-treated.",
        "letter_subject": "Release the detained women's rights defender",
        "letter": "{salutation},\n\n"
        "I am writing to you about a women's rights defender who was taken from her home "
        "in Kabul and is held without charge.\n\n"
        "I urge you to release her immediately and unconditionally. Until she is released, "
        "please ensure that she can see her family and a lawyer of her choice, and that she "
        "is not ill-treated.\n\n"
        "Yours sincerely,\n{supporter_name}\n{supporter_city}",
        "phone_script": "Hello, my name is {supporter_name}. I am calling about the women's "
        "rights defender detained in Kabul without charge. I ask {target_title} "
        "{target_name} to call for her immediate release. Thank you.",
        "social_post": "{handles} A women's rights defender is held in Kabul without charge. "
        "Release her now and let her see her family and a lawyer.",
    },
    "fa": {
        "title": "مدافع حقوق زنان بدون اتهام بازداشت شده است",
        "summary": "یک مدافع حقوق زنان از خانه‌اش در کابل برده شده و بدون اتهام و بدون "
        "دسترسی به خانواده و وکیل در بازداشت است.",
        "body": "در شب بازداشت، مردان مسلح این مدافع را از خانه‌اش بردند. به خانواده‌اش "
        "گفته نشده که او در کجا نگهداری می‌شود.\n\n"
        "او برای زنان ولسوالی خود صنف‌های سواد‌آموزی برگزار می‌کرد. **او در خطر بدرفتاری "
        "است.**\n\n*این یک اقدام فوری نمایشی است: این پرونده و همهٔ معلومات تماس ساختگی‌اند.*",
        "demands": "او را فوراً و بدون قید و شرط آزاد کنید.\n"
        "تا آن زمان، اجازه دهید با خانواده و وکیل دلخواهش دیدار کند.\n"
        "تضمین کنید که با او بدرفتاری نشود.",
        "letter_subject": "مدافع بازداشت‌شدهٔ حقوق زنان را آزاد کنید",
        "letter": "{salutation}،\n\n"
        "برای شما دربارهٔ یک مدافع حقوق زنان می‌نویسم که از خانه‌اش در کابل برده شده و "
        "بدون اتهام در بازداشت است.\n\n"
        "از شما می‌خواهم که او را فوراً و بدون قید و شرط آزاد کنید. تا زمان آزادی، لطفاً "
        "اطمینان حاصل کنید که او بتواند با خانواده و وکیل دلخواهش دیدار کند و با او "
        "بدرفتاری نشود.\n\n"
        "با احترام،\n{supporter_name}\n{supporter_city}",
        "phone_script": "سلام، نامم {supporter_name} است. دربارهٔ آن مدافع حقوق زنان "
        "تیلفون می‌کنم که بدون اتهام در کابل بازداشت شده است. از {target_title} "
        "{target_name} می‌خواهم که خواستار آزادی فوری او شوند. تشکر.",
        "social_post": "{handles} یک مدافع حقوق زنان در کابل بدون اتهام بازداشت شده است. "
        "او را آزاد کنید و بگذارید با خانواده و وکیلش دیدار کند.",
    },
    "ps": {
        "title": "د ښځو د حقونو مدافعه پرته له تور څخه نیول شوې ده",
        "summary": "د ښځو د حقونو یوه مدافعه په کابل کې له خپل کوره بیول شوې او پرته له تور، "
        "کورنۍ او وکیل ته له لاسرسي پرته نیول شوې ده.",
        "body": "د نیولو په شپه، وسله والو سړیو دا مدافعه له کوره بوتله. کورنۍ ته یې نه دي "
        "ویل شوي چې چېرته ساتل کېږي.\n\n"
        "هغې په خپله ولسوالۍ کې د ښځو لپاره د سواد زده کړې ټولګي جوړول. **هغه د ناوړه "
        "چلند له خطر سره مخ ده.**\n\n*دا یو نمایشي بېړنی اقدام دی: دا قضیه او د اړیکې ټولې "
        "پتې فرضي دي.*",
        "demands": "هغه سمدستي او بې له شرطه خوشې کړئ.\n"
        "تر هغه وخته، پرېږدئ چې له خپلې کورنۍ او د خپلې خوښې له وکیل سره ولیدل شي.\n"
        "ډاډ ترلاسه کړئ چې له هغې سره ناوړه چلند نه کېږي.",
        "letter_subject": "د ښځو د حقونو نیول شوې مدافعه خوشې کړئ",
        "letter": "{salutation}،\n\n"
        "تاسو ته د ښځو د حقونو د یوې مدافعې په اړه لیکم چې په کابل کې له خپل کوره بیول شوې "
        "او پرته له تور نیول شوې ده.\n\n"
        "له تاسو غواړم چې هغه سمدستي او بې له شرطه خوشې کړئ. تر خوشې کېدو پورې، مهرباني "
        "وکړئ ډاډ ترلاسه کړئ چې له خپلې کورنۍ او د خپلې خوښې له وکیل سره لیدلی شي او له "
        "هغې سره ناوړه چلند نه کېږي.\n\n"
        "په درنښت،\n{supporter_name}\n{supporter_city}",
        "phone_script": "سلام، زما نوم {supporter_name} دی. د ښځو د حقونو د هغې مدافعې په "
        "اړه زنګ وهم چې په کابل کې پرته له تور نیول شوې ده. له {target_title} "
        "{target_name} غواړم چې د هغې د سمدستي خوشې کېدو غوښتنه وکړي. مننه.",
        "social_post": "{handles} د ښځو د حقونو یوه مدافعه په کابل کې پرته له تور نیول "
        "شوې ده. هغه خوشې کړئ او پرېږدئ چې له کورنۍ او وکیل سره وویني.",
    },
}


def load_urgent_action(organization):
    if Campaign.objects.filter(slug=SLUG).exists():
        return
    now = timezone.now()
    campaign = Campaign.objects.create(
        organization=organization,
        slug=SLUG,
        kind=Campaign.Kind.URGENT_ACTION,
        case_reference="UA 118.26",
        act_by=(now + timedelta(days=42)).date(),
        response_due=(now - timedelta(days=1)).date(),
    )
    for data in TARGETS:
        target, created = Target.objects.get_or_create(
            name=data["target"]["name"], defaults=data["target"]
        )
        if created:
            for language, text in data["salutations"].items():
                target.salutations.create(language=language, text=text)
            for position, (kind, value, note) in enumerate(data["channels"]):
                Channel.objects.create(
                    target=target,
                    kind=kind,
                    value=value,
                    note=note,
                    position=position,
                    last_checked=now.date() - timedelta(days=3),
                )
        campaign.targets.add(target)
    PersonConcerned.objects.create(
        campaign=campaign, name="Women's rights defender (name withheld)"
    )
    for language, text in TEXTS.items():
        CampaignText.objects.create(campaign=campaign, language=language, **text)
    open_campaign(campaign, now)
    campaign.events.filter(kind=Event.Kind.LAUNCH).update(
        happened_on=(now - timedelta(days=14)).date()
    )
    # The ambassador answered; the president is shown as silent, the
    # response deadline having passed.
    acknowledgement = Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.RESPONSE,
        target=Target.objects.get(name=TARGETS[1]["target"]["name"]),
        stance=Event.Stance.ACKNOWLEDGED,
        quote="We have received your letters and forwarded them to Kabul.",
        happened_on=(now - timedelta(days=5)).date(),
        created_at=now,
    )
    for language, title in {
        "en": "The embassy acknowledges the letters",
        "fa": "سفارت دریافت نامه‌ها را تأیید می‌کند",
        "ps": "سفارت د لیکونو ترلاسه کول مني",
    }.items():
        EventText.objects.create(event=acknowledgement, language=language, title=title)
