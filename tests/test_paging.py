"""``imcase.web.paging.counted_page``: a page and the total in one statement, answered like
``Paginator.get_page`` (the client list reads its pages this way)."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from imcase.web.paging import counted_page, page_number
from tests.factories import ClientFactory, ConsultationFactory


@pytest.fixture
def twelve(world):
    ClientFactory.create_batch(11, municipality=world.town, manager=world.owner)
    return Client.objects.order_by("last_name", "first_name", "pk")


@pytest.mark.parametrize(
    ("asked", "number"), [(None, 1), ("", 1), ("abc", 1), ("0", 0), ("-3", 0), ("2", 2), (3, 3)]
)
def test_page_number_reads_as_the_paginator_reads_it(asked, number):
    assert page_number(asked) == number


@pytest.mark.parametrize("asked", [None, "1", "2", "3", "4", "99", "x", "0", "-1"])
def test_same_page_as_the_paginator_in_one_statement(twelve, asked):
    expected = Paginator(twelve, 5).get_page(asked)
    with CaptureQueriesContext(connection) as statements:
        page = counted_page(twelve, asked, 5)
    past_the_end = {"4": 3, "99": 3, "0": 2, "-1": 2}  # statements: page, count, last page
    assert len(statements) == past_the_end.get(asked, 1)
    assert [c.pk for c in page.object_list] == [c.pk for c in expected.object_list]
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count == twelve.count()
    assert page.paginator.num_pages == expected.paginator.num_pages == 3
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


def test_an_empty_list_is_one_empty_page_without_a_count(db):
    with CaptureQueriesContext(connection) as statements:
        page = counted_page(Client.objects.order_by("pk"), "1", 5)
    assert len(statements) == 1
    assert list(page.object_list) == []
    assert page.paginator.count == 0 and page.number == 1 and page.paginator.num_pages == 1


def test_a_distinct_list_is_counted_after_distinct(world):
    for _ in range(3):  # three contacts of one client: three joined rows, one client
        ConsultationFactory(client=world.client, provider=world.provider)
    joined = Client.objects.filter(participations__isnull=False).order_by("pk")
    assert joined.count() == 3
    page = counted_page(joined.distinct(), "1", 50)
    assert page.paginator.count == 1
    assert [c.pk for c in page.object_list] == [world.client.pk]


def test_the_client_list_reads_count_and_page_in_one_statement(world, client):
    ClientFactory.create_batch(55, municipality=world.town, manager=world.owner)
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as statements:
        response = client.get(reverse("clients:list"), {"suche": "", "seite": "2"})
    reads = [q["sql"] for q in statements if 'FROM "clients_client"' in q["sql"]]
    assert len(reads) == 1, reads
    assert "COUNT(*) OVER ()" in reads[0]
    page = response.context["page"]
    visible = Client.objects.visible_to(world.owner).filter(status=Client.Status.OPEN).count()
    assert page.paginator.count == visible
    assert len(page.object_list) == visible - 50
    assert f"{visible} offene Fälle gefunden." in response.content.decode()
