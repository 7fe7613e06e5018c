"""partnership.text: control and bidi-override characters, found and stripped the same way."""

from hypothesis import given
from hypothesis import strategies as st

from partnership.text import UNSAFE_CHARACTERS, has_unsafe_characters, strip_unsafe_characters, visible_controls


@given(
    st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x01\x1f\x7f\u202a\u202e\u2066\u2069\ufffe"),
        max_size=80,
    )
)
def test_the_fast_check_agrees_with_the_expression(text):
    assert has_unsafe_characters(text) == (UNSAFE_CHARACTERS.search(text) is not None)
    assert not has_unsafe_characters(strip_unsafe_characters(text))


def test_tab_and_newline_stay_and_french_text_is_safe():
    text = "Poste\tà pourvoir\n« chargé·e de mission » – 30 000 € l’an, Œuvre, 𝔘nicode"
    assert not has_unsafe_characters(text)
    assert strip_unsafe_characters(text) == text
    assert strip_unsafe_characters("a\x00b\x07c\rd\u202ee\u2069f\uffff") == "abcdef"
    assert visible_controls("R\x003\u202e") == "R\\x003\\u202e"
