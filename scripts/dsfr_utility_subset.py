"""Write the end of static/css/site.css: the rules of the DSFR's utility.min.css (icons, background
colours) for the classes the project's templates, Python and scripts use, and nothing else. They
sit in the site's own style sheet, after a marker line, so that a page waits for one small style
sheet besides the DSFR's, not two (Lighthouse: each blocked the first paint by a round trip).

The whole utility.min.css weighs 458 KB (62 KB compressed) and the pages used 0.1 % of it; it was
render-blocking on every page (issue 14). Run again after using a new `fr-icon-*` or
`fr-background-*` class (a test fails until then):

    .venv/bin/python scripts/dsfr_utility_subset.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

OUTPUT = BASE_DIR / "static" / "css" / "site.css"
MARKER = "/* ---- Generated below by scripts/dsfr_utility_subset.py: do not edit by hand. ---- */\n"
# The relative url()s of utility.min.css (../icons/…) seen from static/css/ instead of dsfr/dist/utility/.
URL_FROM = "url(../"
URL_TO = "url(../dsfr/dist/"
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
PREFIXES = ("fr-icon-", "fr-fi-", "fr-background-", "fr-artwork-")


def utility_css() -> Path:
    import dsfr

    return Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "utility" / "utility.min.css"


def used_classes() -> set[str]:
    """Every `fr-…` token of the templates, Python modules and scripts the project serves."""
    tokens: set[str] = set()
    patterns = ["templates/**/*.html", "static/js/*.js", "*/**/*.py"]
    for pattern in patterns:
        for path in BASE_DIR.glob(pattern):
            parts = path.relative_to(BASE_DIR).parts
            if parts[0] in {".venv", "staticfiles", "tests", "node_modules"}:
                continue
            tokens |= set(re.findall(r"fr-[\w-]*[\w]", path.read_text(errors="ignore")))
    return {token for token in tokens if token.startswith(PREFIXES)}


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


def subset(css: str, classes: set[str]) -> str:
    out = []
    for prelude, body in blocks(css):
        if "min-width:0\\0" in prelude:  # Internet Explorer's fallbacks: not served.
            continue
        if prelude.startswith("@media") or prelude.startswith("@supports"):
            inner = subset(body, classes)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif not prelude.startswith("@"):
            selectors = [s for s in prelude.split(",") if set(CLASS.findall(s)) & classes]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


def main() -> None:
    classes = used_classes()
    css = subset(utility_css().read_text(), classes).replace(URL_FROM, URL_TO)
    rules = css.replace("}}", "}\n}").replace("}", "}\n").replace("\n\n", "\n")
    header = (
        "/* From the DSFR's utility.min.css (MIT): only the rules of the "
        f"{len(classes)} icon and background classes the project uses. */\n"
    )
    own = OUTPUT.read_text().split(MARKER)[0].rstrip("\n") + "\n\n"
    OUTPUT.write_text(own + MARKER + header + rules)
    print(f"{OUTPUT.relative_to(BASE_DIR)}: {len(classes)} classes, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
