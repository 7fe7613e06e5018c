"""The description sanitiser (nh3 allow-list) and its plain-text version."""

import pytest

from offers.html import clean_html, html_to_text


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
