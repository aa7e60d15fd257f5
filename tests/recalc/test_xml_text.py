"""XML text read back and written as the package's parts hold it."""

from hypothesis import given
from hypothesis import strategies as st

from trups_xl.recalc.xml_text import attributes, escape, escape_attribute, unescape


@given(st.lists(st.sampled_from(["&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&amp;lt;", "&#62;", "&#x3C;", "&#13;",
                                 "&#x80;", "&#128512;", "&amp", "&nbsp;", "&", ";", "A1", "<", "\"", "'", "é"]),
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
