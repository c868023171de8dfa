"""The demo petitions, in English, Dari and Pashto."""

from django.utils import timezone

from hamsada.campaigns.actions import open_campaign
from hamsada.campaigns.models import Campaign, CampaignText, Target

PETITIONS = [
    {
        "slug": "reopen-girls-schools",
        "goal": 10000,
        "target": {
            "name": "Minister of Education",
            "title": "Minister",
            "institution": "Ministry of Education, Kabul",
            "country": "AF",
        },
        "texts": {
            "en": {
                "title": "Reopen secondary schools for girls",
                "summary": "Girls in Afghanistan have been barred from secondary school "
                "since 2021. Ask the authorities to let them back into the classroom.",
                "body": "Since September 2021, girls above the sixth grade have not been "
                "allowed to return to school in most of Afghanistan.\n\n"
                "Every year that passes costs a generation its education, its work and "
                "its voice. **Education is a right**, not a privilege.\n\n"
                "*This is a demonstration petition.*",
                "demands": "Reopen all secondary schools for girls without conditions.\n"
                "Let women teachers return to work.\n"
                "Guarantee the safety of students and teachers.",
            },
            "fa": {
                "title": "مکتب‌های متوسطه را برای دختران بازگشایی کنید",
                "summary": "دختران در افغانستان از سال ۲۰۲۱ از رفتن به مکتب متوسطه منع شده‌اند. "
                "از مقامات بخواهید که آنان را دوباره به صنف درسی برگردانند.",
                "body": "از سنبلهٔ ۱۴۰۰ به این سو، دختران بالاتر از صنف ششم در بیشتر نقاط "
                "افغانستان اجازهٔ برگشت به مکتب را نداشته‌اند.\n\n"
                "هر سالی که می‌گذرد، یک نسل از آموزش، کار و صدای خود محروم می‌شود. "
                "**آموزش حق است**، نه امتیاز.\n\n*این یک دادخواست نمایشی است.*",
                "demands": "همهٔ مکتب‌های متوسطه را بدون قید و شرط برای دختران بازگشایی کنید.\n"
                "به معلمان زن اجازه دهید به کار برگردند.\n"
                "امنیت شاگردان و معلمان را تضمین کنید.",
            },
            "ps": {
                "title": "د نجونو لپاره منځني ښوونځي بیا پرانیزئ",
                "summary": "په افغانستان کې نجونې له ۲۰۲۱ کال راهیسې له منځني ښوونځي منع "
                "شوې دي. له چارواکو وغواړئ چې نجونې بېرته ټولګي ته پرېږدي.",
                "body": "د ۲۰۲۱ کال له سپتمبر راهیسې، له شپږم ټولګي پورته نجونو ته د افغانستان په "
                "ډېرو سیمو کې ښوونځي ته د ستنېدو اجازه نه ده ورکړل شوې.\n\n"
                "هر کال چې تېرېږي، یو نسل له زده کړې، کار او غږ څخه بې برخې کېږي. "
                "**زده کړه حق دی**، امتیاز نه دی.\n\n*دا یو نمایشي غوښتنلیک دی.*",
                "demands": "د نجونو لپاره ټول منځني ښوونځي پرته له شرطه پرانیزئ.\n"
                "ښځینه ښوونکو ته اجازه ورکړئ چې کار ته ستنې شي.\n"
                "د زده کوونکو او ښوونکو امنیت تضمین کړئ.",
            },
        },
    },
    {
        "slug": "free-detained-journalists",
        "goal": 2500,
        "target": {
            "name": "Head of the General Directorate of Intelligence",
            "title": "Director",
            "institution": "General Directorate of Intelligence",
            "country": "AF",
        },
        "texts": {
            "en": {
                "title": "Free the detained journalists",
                "summary": "Journalists are held without charge for doing their work. "
                "Call for their release.",
                "body": "Reporters who cover daily life, the economy and the rights of women "
                "have been detained without charge or access to a lawyer.\n\n"
                "*This is a demonstration petition.*",
                "demands": "Release every journalist held for their work.\n"
                "Allow detainees access to their families and lawyers.",
            },
            "fa": {
                "title": "خبرنگاران بازداشت‌شده را آزاد کنید",
                "summary": "خبرنگاران به خاطر کارشان بدون اتهام بازداشت شده‌اند. "
                "خواستار آزادی آنان شوید.",
                "body": "خبرنگارانی که از زندگی روزمره، اقتصاد و حقوق زنان گزارش می‌دهند، "
                "بدون اتهام و بدون دسترسی به وکیل بازداشت شده‌اند.\n\n"
                "*این یک دادخواست نمایشی است.*",
                "demands": "همهٔ خبرنگارانی را که به خاطر کارشان بازداشت شده‌اند آزاد کنید.\n"
                "به بازداشت‌شدگان اجازهٔ دیدار با خانواده و وکیل‌شان را بدهید.",
            },
        },
    },
]


def load_petitions(organization):
    for data in PETITIONS:
        load_petition(organization, data)


def load_petition(organization, data):
    if Campaign.objects.filter(slug=data["slug"]).exists():
        return
    campaign = Campaign.objects.create(
        organization=organization, slug=data["slug"], goal=data["goal"]
    )
    target, _created = Target.objects.get_or_create(
        name=data["target"]["name"], defaults=data["target"]
    )
    campaign.targets.add(target)
    for language, text in data["texts"].items():
        CampaignText.objects.create(campaign=campaign, language=language, **text)
    open_campaign(campaign, timezone.now())
