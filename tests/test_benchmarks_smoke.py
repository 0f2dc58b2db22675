"""A small run of every benchmark: the code paths work and query counts hold."""

import pytest

from benchmarks import data, listing, recalculation, saves
from benchmarks import groups as benchmark_groups
from benchmarks.measure import Report
from benchmarks.runner import _sample_contact
from wagtail_contactgroups.views.live_count import count_matches

CONTACTS = 5_000


@pytest.fixture
def generated():
    page = data.ensure_page()
    data.create_contacts(CONTACTS)
    data.create_activities(CONTACTS, 2)
    data.analyze()
    return page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_recalculation_matches_hand_written_sql(generated):
    report = Report(echo=None)
    recalculation.run(report, repeat=1, page_id=generated.pk, using="default")
    fills = [row for row in report.rows if row.name.startswith("fill ")]
    assert len([row for row in fills if row.section == "recalculation"]) == 4
    assert not [row for row in report.rows if recalculation.MISMATCH in row.note]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_save_queries_constant_in_groups(generated):
    figures = saves.measure_saves(
        repeat=1,
        contact_id=_sample_contact("default"),
        page=generated,
        group_counts=(0, 10, 100),
    )
    reads = {(item.kind, item.groups): item.reads for item in figures}
    queries = {(item.kind, item.groups): item.queries for item in figures}
    for kind in (*saves.Saver.FIELDS, "activity"):
        assert reads[kind, 10] == reads[kind, 100], kind
        # At most an insert and a delete per dependency level (two here),
        # and one member count update.
        assert queries[kind, 100] - reads[kind, 100] <= 5, kind
    untouched = [queries["phone (read by no group)", n] for n in (0, 10, 100)]
    assert len(set(untouched)) == 1


def test_membership_write_recognised():
    assert saves.membership_write(
        'DELETE FROM "wagtail_contactgroups_contactgroupmembership" WHERE 1'
    )
    assert saves.membership_write(
        'UPDATE "wagtail_contactgroups_contactgroup" SET "member_count" = 1'
    )
    assert not saves.membership_write('UPDATE "crm_democontact" SET "city" = 1')
    assert not saves.membership_write(
        'SELECT 1 FROM "wagtail_contactgroups_contactgroupmembership"'
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_listing_benchmarks_run(generated):
    from wagtail_contactgroups.engine.recalculate import recalculate_group

    report = Report(echo=None)
    everyone = benchmark_groups.everyone_group()
    recalculate_group(everyone)
    count_group = benchmark_groups.two_level_group()
    listing.run(report, 1, count_group, everyone, "default")

    assert [row.section for row in report.rows] == [
        "live count",
        "members view",
        "members view",
        "export",
    ]
    client = listing.admin_client()
    page = listing.get_page(client, listing.members_url(everyone)).decode()
    first = min(everyone.memberships.values_list("contact_id", flat=True))
    assert f"c{first}@example" in page
    size, lines = listing.stream_export(client, everyone)
    assert lines == everyone.memberships.count() + 1
    assert count_matches(count_group) == listing.plain_count(count_group)
