"""A campaign's timeline as an Atom feed, for journalists and partners."""

import re
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamsada.campaigns.timeline import SILENCE, timeline
from hamsada.web.pages import public_campaign

# Characters XML 1.0 cannot carry, which an organiser may paste from elsewhere.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return NOT_IN_XML.sub("", str(text))


class TimelineFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        campaign = public_campaign(slug)
        campaign.text = campaign.text_in(get_language())
        if campaign.text is None:
            raise Http404
        return campaign

    def title(self, campaign):
        return xml_safe(_("%(title)s: timeline") % {"title": campaign.text.title})

    def subtitle(self, campaign):
        return xml_safe(campaign.text.summary)

    def link(self, campaign):
        return reverse("campaign", args=[campaign.slug])

    def feed_url(self, campaign):
        return reverse("timeline_feed", args=[campaign.slug])

    def items(self, campaign):
        entries = timeline(campaign, timezone.localdate())[:50]
        for entry in entries:
            entry.campaign = campaign
        return entries

    def item_title(self, entry):
        # An organiser's own title for a response does not always say the stance.
        title = entry.heading
        if entry.stance and entry.stance != SILENCE and str(entry.stance_label) not in title:
            title = f"{title} ({entry.stance_label})"
        return xml_safe(title)

    def item_description(self, entry):
        return xml_safe(render_to_string("campaigns/feed_entry.html", {"entry": entry}))

    def item_link(self, entry):
        return reverse("campaign", args=[entry.campaign.slug]) + f"#{entry.key}"

    def item_pubdate(self, entry):
        return timezone.make_aware(datetime.combine(entry.on, time(12)))

    def item_updateddate(self, entry):
        return entry.event.created_at if entry.event else self.item_pubdate(entry)
