"""Template tags of the clients app: the sections other apps add to the client's page."""

from __future__ import annotations

from django import template

from clients.client_page import render_client_page_sections

register = template.Library()


@register.simple_tag
def client_page_sections(user, client, today):
    return render_client_page_sections(user, client, today)
