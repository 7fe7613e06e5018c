"""Write the DSFR style sheets the pages link, from django-dsfr's copy of the DSFR, with only what the
project's templates, Python and scripts use (issue 14: render-blocking CSS was the largest cost of
the first paint on a phone, in Lighthouse's simulation):

- `static/css/dsfr.css`: the DSFR's core, its dark theme (scheme) and the components whose classes
  the project uses, each whole, in the order of the DSFR's own build (dsfr.main.min.css), as the
  DSFR documents for importing components one by one; of the core's spacing and column classes
  (`fr-mb-3w`, `fr-col-md-6`: two thirds of its 176 KB), only those used. Instead of dsfr.min.css
  (711 KB, 60 KB with Brotli), which also holds twenty unused components and the fallbacks for
  Internet Explorer (dsfr.legacy.min.css): 402 KB, 35 KB with Brotli.
- The end of `static/css/site.css`: the rules of the DSFR's utility.min.css (icons, background
  colours) for the classes used, and nothing else, after a marker line, so that a page waits for
  one small style sheet besides the DSFR's, not two. The whole utility.min.css weighs 458 KB (62 KB
  compressed) and the pages used 0.1 % of it.

Run again after using a new DSFR component, `fr-icon-*` or `fr-background-*` class, or after
upgrading django-dsfr (tests fail until then: tests/test_phone_first.py, and the route matrix checks
that every page's DSFR classes have their rules):

    .venv/bin/python scripts/dsfr_css.py
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SITE_CSS = BASE_DIR / "static" / "css" / "site.css"
DSFR_CSS = BASE_DIR / "static" / "css" / "dsfr.css"
MARKER = "/* ---- Generated below by scripts/dsfr_css.py: do not edit by hand. ---- */\n"
# Where the DSFR's files are served from, seen from static/css/ (their url()s are rewritten to it).
DIST_FROM_OUTPUT = "../dsfr/dist"
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
URL = re.compile(r"url\((?![\"']?data:)([\"']?)([^)\"']+)\1\)")
PREFIXES = ("fr-icon-", "fr-fi-", "fr-background-", "fr-artwork-")


def dist() -> Path:
    import dsfr

    return Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"


# Folders of the project that hold no template, script or module it serves (.venv alone holds
# thousands of files: walking it took a second).
NOT_SERVED = {".venv", "staticfiles", "tests", "node_modules", "scripts", ".git", ".var", "test-artifacts"}


def used_classes() -> set[str]:
    """Every `fr-…` token of the templates, Python modules and scripts the project serves."""
    folders = [path for path in BASE_DIR.iterdir() if path.is_dir() and path.name not in NOT_SERVED]
    files = [path for folder in folders for pattern in ("*.html", "*.py", "*.js") for path in folder.rglob(pattern)]
    tokens: set[str] = set()
    for path in files:
        if path.suffix != ".js" or path.parent == BASE_DIR / "static" / "js":
            tokens |= set(re.findall(r"fr-[\w-]*[\w]", path.read_text(errors="ignore")))
    return tokens


def rebased(css: str, source: Path) -> str:
    """`css` read from `source` (a file of the DSFR's dist/), its relative url()s seen from static/css/."""
    folder = source.parent.relative_to(dist()).as_posix()

    def rebase(match: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(folder, match.group(2)))
        return f"url({DIST_FROM_OUTPUT}/{path})"

    return URL.sub(rebase, css)


def without_banner(css: str) -> str:
    """The rules of a DSFR file, without its `@charset` and licence comment (written once, above)."""
    return re.sub(r"^(@charset \"UTF-8\";)?\s*/\*!.*?\*/", "", css, flags=re.S).strip()


def blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs of a minified style sheet; comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    result, index = [], 0
    while index < len(css):
        brace = css.find("{", index)
        if brace == -1:
            break
        depth, end = 1, brace + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        result.append((css[index:brace].strip(), css[brace + 1 : end - 1]))
        index = end
    return result


def kept(css: str, keep: Callable[[str], bool], *, other_at_rules: bool) -> str:
    """`css` with only the selectors `keep` accepts, inside @media and @supports too; rules left
    without a selector dropped, Internet Explorer's fallbacks always; the other at-rules (@font-face,
    @keyframes) kept or not."""
    out = []
    for prelude, body in blocks(css):
        if "min-width:0\\0" in prelude:  # Internet Explorer's fallbacks: not served.
            continue
        if prelude.startswith(("@media", "@supports")):
            inner = kept(body, keep, other_at_rules=other_at_rules)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            if other_at_rules:
                out.append(f"{prelude}{{{body}}}")
        elif selectors := [selector for selector in prelude.split(",") if keep(selector)]:
            out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


def style_rules(css: str) -> Iterator[str]:
    """The selector list of every style rule of `css`, inside @media and @supports too."""
    for prelude, body in blocks(css):
        if prelude.startswith(("@media", "@supports")):
            yield from style_rules(body)
        elif not prelude.startswith("@"):
            yield prelude


# The core's spacing and column classes (`.fr-mb-3w`, `.fr-px-md-2v`, `.fr-col-lg-6`…): two thirds of
# its 176 KB, one rule per size and breakpoint. Only those the project uses are kept.
LAYOUT_CLASS = re.compile(r"\.(fr-(?:[mp][trblxy]?-[\w-]+|col(?:-[\w-]+)?))")


def without_unused_layout_classes(css: str, used: set[str]) -> str:
    """`css` without the selectors that are one spacing or column class the project does not use."""

    def keep(selector: str) -> bool:
        layout = LAYOUT_CLASS.fullmatch(selector.strip())
        return layout is None or layout.group(1) in used

    return kept(css, keep, other_at_rules=True)


def leading_classes(css: str) -> set[str]:
    """The first class of each selector of `css` (`.fr-card` in `.fr-card .fr-badge`): what its rules style."""
    firsts = (CLASS.search(selector) for rule in style_rules(css) for selector in rule.split(","))
    return {first.group(1) for first in firsts if first}


def components(used: set[str], whole: str) -> list[tuple[str, Path, str]]:
    """The DSFR's components that style a class the project uses (name, file, rules), in the order of
    the DSFR's own build (where each one's first rule sits in `whole`, dsfr.main.min.css). A component
    styles the classes that lead its selectors, but for those several components lead with
    (`.fr-fieldset--error .fr-toggle`): those tell nothing of which one a page needs."""
    core = set(CLASS.findall((dist() / "core" / "core.main.min.css").read_text()))
    rules = {sheet: without_banner(sheet.read_text()) for sheet in sorted(dist().glob("component/*/*.main.min.css"))}
    leading = {sheet: leading_classes(css) - core for sheet, css in rules.items()}
    shared = {
        name for classes in leading.values() for name in classes if sum(name in other for other in leading.values()) > 1
    }
    found = []
    for sheet, css in rules.items():
        position = whole.find(css[:120])
        if position == -1:
            raise SystemExit(f"{sheet.name}: not found in dsfr.main.min.css (a new DSFR layout?)")
        if (leading[sheet] - shared) & used:
            found.append((position, sheet.parent.name, sheet, css))
    return [(name, sheet, css) for _, name, sheet, css in sorted(found)]


def dsfr_css(used: set[str]) -> str:
    whole = (dist() / "dsfr.main.min.css").read_text()
    chosen = components(used, whole)
    core, scheme = dist() / "core" / "core.main.min.css", dist() / "scheme" / "scheme.min.css"
    parts = [
        (without_unused_layout_classes(without_banner(core.read_text()), used), core),
        (without_banner(scheme.read_text()), scheme),
        *((css, sheet) for _, sheet, css in chosen),
    ]
    banner = re.search(r"/\*!.*?\*/", whole, flags=re.S)
    assert banner is not None
    header = (
        f'@charset "UTF-8";\n{banner.group(0)}\n/* Generated by scripts/dsfr_css.py: do not edit by hand. The '
        f"DSFR's core (of its spacing and column classes, those used), its dark theme and the {len(chosen)} "
        "components the project uses: "
        f"{', '.join(name for name, _, _ in chosen)}. */\n"
    )
    return header + "\n".join(rebased(css, sheet) for css, sheet in parts) + "\n"


def utility_rules(used: set[str]) -> str:
    classes = {token for token in used if token.startswith(PREFIXES)}
    source = dist() / "utility" / "utility.min.css"
    css = rebased(
        kept(source.read_text(), lambda selector: bool(set(CLASS.findall(selector)) & classes), other_at_rules=False),
        source,
    )
    rules = css.replace("}}", "}\n}").replace("}", "}\n").replace("\n\n", "\n")
    header = (
        "/* From the DSFR's utility.min.css (MIT): only the rules of the "
        f"{len(classes)} icon and background classes the project uses. */\n"
    )
    return header + rules


def main() -> None:
    used = used_classes()
    DSFR_CSS.write_text(dsfr_css(used))
    own = SITE_CSS.read_text().split(MARKER)[0]
    SITE_CSS.write_text(own.rstrip("\n") + "\n\n" + MARKER + utility_rules(used))
    for output in (DSFR_CSS, SITE_CSS):
        print(f"{output.relative_to(BASE_DIR)}: {output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
