"""Template tags of the clients app: the sections and actions other apps add to the client's
page."""

from __future__ import annotations

from django import template

from clients.client_page import client_page_actions, render_client_page_sections

register = template.Library()


@register.simple_tag
def client_page_sections(user, client, today):
    return render_client_page_sections(user, client, today)


@register.simple_tag
def registered_client_page_actions(user, client, today):
    """``{% registered_client_page_actions user client today as actions %}``"""
    return client_page_actions(user, client, today)
