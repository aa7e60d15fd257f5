"""The schema: one entry per term, the value object's fields in the same order, choices that parse."""

import dataclasses

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.securities import schema
from trups_xl.core.securities.terms import Terms


def test_one_spec_per_field_in_field_order():
    assert [s.name for s in schema.SCHEMA] == [f.name for f in dataclasses.fields(Terms)]
    assert set(schema.REQUIRED) <= set(schema.SPECS) and set(schema.FEATURES) <= set(schema.SPECS)
    assert set(schema.FIXED_TERMS) | set(schema.FLOATING_TERMS) <= set(schema.SPECS)


def test_every_choice_term_names_an_enum_whose_accepted_members_parse_from_their_text():
    for spec in schema.SCHEMA:
        assert (spec.kind == "choice") == (spec.choice is not None), spec.name
        if spec.choice is not None:
            for member in spec.accepted or tuple(spec.choice):
                assert parse_choice(spec.choice, member.value.lower(), spec.name) is member


def test_bounds_are_ordered_and_index_tenors_are_known():
    for spec in schema.SCHEMA:
        if spec.bounds is not None:
            assert spec.bounds[0] < spec.bounds[1], spec.name
    assert {kind: kind.months for kind in schema.IndexKind}[schema.IndexKind.USD_LIBOR_3M] == 3
    assert set(schema.INDEX_MONTHS) == set(schema.IndexKind)
