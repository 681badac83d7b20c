"""Models of a call share what they have in common (``content.compact``): their field sets
and their short texts, whether read here, by a forked reader or from the cache. What
reads them sees the same values; a copy with changes never changes the others."""

from __future__ import annotations

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.content.models import Pledge
from appel_a_communs.site.view import sealed_pledge

PLEDGES = {
    f"pledges/q{n}.yml": f"""
        actor: ville
        common: covoit
        date: 2026-10-{n:02d}
        money:
          amount: "{n}00"
        """
    for n in range(1, 6)
}


def pledges(make_content, **load) -> list[Pledge]:
    catalogue = load_catalogue(make_content(PLEDGES), **load)
    return [catalogue.pledges[f"q{n}"] for n in range(1, 6)]


def test_pledges_share_their_field_sets_and_texts(make_content):
    first, *others = pledges(make_content)
    for other in others:
        assert other.__pydantic_fields_set__ is first.__pydantic_fields_set__
        assert other.money.__pydantic_fields_set__ is first.money.__pydantic_fields_set__
        assert other.actor is first.actor and other.common is first.common
    assert first.model_fields_set == {"id", "actor", "common", "date", "role", "money"}
    assert [p.money.amount for p in (first, *others)] == [100, 200, 300, 400, 500]


def test_a_copy_with_changes_leaves_the_others_alone(make_content):
    first, second, *_ = pledges(make_content)
    before = set(second.__pydantic_fields_set__)
    changed = first.model_copy(update={"note": "Une note"})
    assert "note" in changed.model_fields_set
    assert second.model_fields_set == before and "note" not in first.model_fields_set
    sealed = sealed_pledge(first)
    assert sealed.money.amount is None and first.money.amount == 100
    assert second.money.amount == 200 and "note" not in second.model_fields_set
    assert first.model_dump(exclude_unset=True)["money"] == {"amount": first.money.amount}


def test_models_read_in_processes_or_from_the_cache_share_too(make_content, tmp_path):
    """A worker's models and the cache's come back unpickled; they are compacted again."""
    from appel_a_communs.content import loader

    loader.PARALLEL_FROM, saved = 1, loader.PARALLEL_FROM
    try:
        forked = pledges(make_content, processes=2)
    finally:
        loader.PARALLEL_FROM = saved
    assert all(p.__pydantic_fields_set__ is forked[0].__pydantic_fields_set__ for p in forked)
    cache = tmp_path / "cache"
    pledges(make_content, cache_folder=cache)
    cached = pledges(make_content, cache_folder=cache)
    assert all(p.__pydantic_fields_set__ is cached[0].__pydantic_fields_set__ for p in cached)
    assert cached[0].actor is forked[0].actor
