"""The description sanitiser (nh3 allow-list) and its plain-text version."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offers.html import _BLOCK_TAGS, _text_cleaner, clean_html, html_to_text, text_of_clean_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script><p>Texte</p>", "<p>Texte</p>"),
        ("<style>p{color:red}</style><p>Texte</p>", "<p>Texte</p>"),
        ('<p onclick="alert(1)" style="color:red" class="x">Texte</p>', "<p>Texte</p>"),
        ('<a href="javascript:alert(1)">lien</a>', '<a rel="noopener nofollow">lien</a>'),
        ('<a href="data:text/html,<script>x</script>">lien</a>', '<a rel="noopener nofollow">lien</a>'),
        ('<a href="/admin/">lien</a>', '<a rel="noopener nofollow">lien</a>'),
        ('<img src="x" onerror="alert(1)">Image', "Image"),
        ('<iframe src="https://evil.example"></iframe>Fin', "Fin"),
        ("<!-- commentaire --><p>Texte</p>", "<p>Texte</p>"),
        ("<h1>Titre</h1><div>Bloc</div><span>mot</span>", "TitreBlocmot"),
    ],
)
def test_dangerous_markup_is_removed(dirty, clean):
    assert clean_html(dirty) == clean


def test_allowed_tags_are_kept():
    html = (
        "<h2>Missions</h2><h3>Sous-titre</h3><h4>Détail</h4>"
        "<p>Un <strong>fort</strong>, <em>accent</em>, <b>gras</b>, <i>italique</i><br>ligne</p>"
        "<ul><li>un</li></ul><ol><li>deux</li></ol><blockquote>citation</blockquote>"
    )
    assert clean_html(html) == html


@pytest.mark.parametrize(
    ("href", "kept"),
    [("https://www.tulle.fr/emploi", True), ("http://example.org", True), ("mailto:rh@tulle.fr", True)],
)
def test_links_keep_safe_urls_and_get_rel(href, kept):
    assert clean_html(f'<a href="{href}" target="_blank" rel="opener">x</a>') == (
        f'<a href="{href}" rel="noopener nofollow">x</a>'
    )


def test_entities_are_kept_and_text_is_escaped():
    assert clean_html("<p>R&amp;D &eacute;t&eacute; &lt;3 &nbsp;fin</p>") == "<p>R&amp;D été &lt;3 &nbsp;fin</p>"
    assert clean_html("a < b & c") == "a &lt; b &amp; c"


def test_empty_values():
    assert clean_html("") == "" and clean_html(None) == ""
    assert html_to_text("") == "" and html_to_text(None) == ""


def test_html_to_text():
    html = (
        "<h2>Missions</h2><p>Vous &amp; nous&nbsp;: <strong>piloter</strong>\n   le   projet.</p>"
        "<ul><li>Un</li><li>Deux &eacute;tapes</li></ul><script>alert(1)</script>"
        "<div>Bloc</div><div>suivant</div><p>fin<br>ligne</p>"
    )
    assert html_to_text(html) == (
        "Missions\n\nVous & nous : piloter le projet.\n\n- Un\n- Deux étapes\n\nBloc\n\nsuivant\n\nfin\nligne"
    )


def test_html_to_text_of_plain_text():
    assert html_to_text("a < b & c") == "a < b & c"


# ---------------------------------------------------------------------------------------------------
# `html_to_text` tokenises the sanitiser's output with a regular expression; it must give exactly what
# the former `HTMLParser` extraction gave. That implementation is kept here as the reference.


class _ReferenceExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS and tag != "li":
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data.replace("\r", " ").replace("\n", " "))


def reference_html_to_text(value):
    if not value:
        return ""
    return reference_text_of(_text_cleaner.clean(value))


def reference_text_of(markup):
    extractor = _ReferenceExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_TAGS = sorted(_BLOCK_TAGS | {"li", "a", "strong", "em", "b", "i", "span", "script", "style", "img", "table", "td"})
_PIECES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["&amp;", "&lt;", "&gt;", "&nbsp;", "&eacute;", "&#10;", "&#13;", "&#x27;", "&quot;", "&", "<", ">"]
    ),
    st.sampled_from(["\n", "\r\n", "\r", "\t", " ", "\xa0", "<!-- c -->", "<br/>", "<br>", "</br>", "<p/>"]),
    st.builds(lambda tag, closing: f"</{tag}>" if closing else f"<{tag}>", st.sampled_from(_TAGS), st.booleans()),
    st.builds(
        lambda tag, value: f'<{tag} title="{value}" href="https://x.fr/?a=1&b=2" class="c">',
        st.sampled_from(_TAGS),
        st.text(max_size=6),
    ),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_html_to_text_matches_the_reference_extraction(value):
    assert html_to_text(value) == reference_html_to_text(value)


@pytest.mark.parametrize(
    "value",
    [
        "<p>Un&#10;deux&#13;trois</p><ul><li>a<li>b</ul>",
        "<div><h1>Titre</h1><table><tr><td>1</td><td>2</td></tr></table></div>",
        '<a href="https://x.fr" title="a>b">lien</a> &amp;amp; &nbsp;&nbsp;fin',
        "texte <br/> seul <br> ligne\xa0insécable",
        "<h5>x</h5><dl><dt>terme</dt><dd>définition</dd></dl><blockquote>c</blockquote>",
    ],
)
def test_html_to_text_matches_the_reference_on_feed_markup(value):
    assert html_to_text(value) == reference_html_to_text(value)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_text_of_clean_html_is_the_text_of_the_sanitised_description(value):
    # The text of the markup as it is (sanitising again may restructure it: nested headings…).
    description = clean_html(value)
    assert text_of_clean_html(description) == reference_text_of(description)
