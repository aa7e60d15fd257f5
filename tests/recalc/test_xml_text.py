"""XML text read back and written as the package's parts hold it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.recalc.xml_text import attributes, escape, escape_attribute, unescape


@given(st.lists(st.sampled_from(["&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&amp;lt;", "&#62;", "&#x3C;", "&#13;",
                                 "&#x80;", "&#128512;", "&#xD800;", "&#0;", "&amp", "&nbsp;", "&", ";", "A1", "<",
                                 "\"", "'", "é"]),
                max_size=12).map("".join))
def test_a_text_s_entities_are_read_as_an_xml_parser_reads_them(text):
    from xml.etree import ElementTree

    try:
        parsed = ElementTree.fromstring(f"<a>{text}</a>").text or ""
    except ElementTree.ParseError:  # not XML: nothing to compare with
        return
    assert unescape(text) == parsed


@given(st.text(max_size=40))
def test_a_text_escaped_is_read_back_as_it_was(text):
    assert unescape(escape(text)) == text == unescape(escape_attribute(text))
    assert attributes(f'<c v="{escape_attribute(text)}">'.encode()) == {"v": text}


@given(st.text(alphabet=st.sampled_from(["\r", "\n", "a", "&", "<", ">", '"']), max_size=20))
def test_a_text_escaped_is_read_by_an_xml_parser_as_it_was(text):
    from xml.etree import ElementTree

    assert (ElementTree.fromstring(f"<a>{escape(text)}</a>").text or "") == text
    assert ElementTree.fromstring(f'<a v="{escape_attribute(text)}"/>').get("v") == text.replace("\n", " ")


@pytest.mark.parametrize("reference", ["&#0;", "&#xD800;", "&#xDFFF;", "&#x110000;"])
def test_a_reference_to_no_character_is_refused_as_an_xml_parser_refuses_it(reference):
    with pytest.raises(ValueError, match="to no character"):
        unescape(f"A1&amp;{reference}")
