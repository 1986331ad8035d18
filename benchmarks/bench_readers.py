"""How the readers' libraries were chosen: quality and speed against the alternatives; prints, never asserts.

HTML: trafilatura (what assistant/corpus/html.py uses) against selectolax with tag rules (drop nav, header,
footer, aside, script, style, form; keep main/article, else body) and lxml's whole-body text (no
boilerplate removal). Pages: the test whitepaper, the default corpus and the eval-suite corpora, each
laid out as an article inside site chrome (navigation, cookie banner, breadcrumbs, sidebar, footer).
Measured: recall (article lines found in the extracted text), chrome leaked (chrome snippets found),
milliseconds per page.

PDF: pypdfium2 (used) against pdfminer.six, on the test whitepaper printed in IPA Gothic (2 pages) and
repeated to 100+ pages. Measured: paragraphs recovered exactly (after joining wrapped lines), seconds;
then a full index build of the 100-page PDF with the real model (target: under 30 s).

    python benchmarks/bench_readers.py [--no-index]
    (needs the bench extra: pip install selectolax pdfminer.six)
"""

from __future__ import annotations

import html as html_mod
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.corpus import join_lines, read_document  # noqa: E402
from assistant.corpus.text import _classify  # noqa: E402
from tests import docgen  # noqa: E402

CHROME = ["サイトマップ", "クッキーを使用", "同意する", "関連記事", "人気の記事", "プライバシーポリシー",
          "All rights reserved", "ニュースレター", "お問い合わせフォーム", "console.log"]


def _page(title: str, blocks: list[tuple[str, str]]) -> str:
    body = "\n".join(f"<{k}>{html_mod.escape(t)}</{k}>" for k, t in blocks)
    return f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{html_mod.escape(title)} | Example</title>
<script>console.log("tag manager")</script></head><body>
<header><a href="/">Example</a><nav><ul><li><a href="/a">製品</a></li><li><a href="/b">サイトマップ</a></li></ul></nav></header>
<div class="cookie">当サイトはクッキーを使用しています。<button>同意する</button></div>
<div class="crumbs"><a href="/">ホーム</a> &gt; <a href="/s">セキュリティ</a></div>
<div class="content"><article>{body}</article>
<aside><h3>関連記事</h3><ul><li><a href="/x">人気の記事その1を読む</a></li><li><a href="/y">人気の記事その2</a></li></ul></aside></div>
<section class="newsletter"><p>ニュースレターに登録する</p><form><input name="mail"></form></section>
<footer><p><a href="/contact">お問い合わせフォーム</a> <a href="/privacy">プライバシーポリシー</a></p>
<p>© 2024 Example Inc. All rights reserved.</p></footer></body></html>"""


def _div_soup(page: str) -> str:
    """The same page without semantic containers: every region a <div>, as many older sites are built."""
    for tag in ("header", "nav", "article", "aside", "section", "footer", "main"):
        page = re.sub(rf"<{tag}\b", "<div", page)
        page = page.replace(f"</{tag}>", "</div>")
    return page


def _pages() -> list[tuple[str, str, list[str]]]:
    """(name, html, article lines)."""
    out = []
    wp = [(k if k.startswith("h") else ("li" if k == "li" else "p"), t) for k, t in docgen.SOURCE]
    wp_html = docgen.html()
    out.append(("whitepaper", wp_html, [t for _, t in wp]))
    texts = [ROOT / "corpus" / "workato-security-summary.ja.txt"]
    suite = ROOT.parent / "shared" / "eval-suite" / "corpora"
    for candidate in (suite, Path("/work/shared/eval-suite/corpora")):
        if candidate.is_dir():
            texts += sorted(candidate.rglob("*.txt"))
            break
    for path in texts:
        text = path.read_text(encoding="utf-8")
        lines = _classify(text, markdown=False)
        blocks = [("h2" if ln.kind == "heading" else "p", ln.text) for ln in lines if ln.kind in ("heading", "text", "bullet")]
        out.append((path.stem, _page(path.stem, blocks), [t for _, t in blocks]))
    return out + [(f"{name} (divs)", _div_soup(page), lines) for name, page, lines in out]


def _trafilatura(path: Path) -> str:
    return read_document(path).text


def _selectolax(path: Path) -> str:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(path.read_bytes())
    for tag in ("script", "style", "nav", "header", "footer", "aside", "form", "noscript"):
        for node in tree.css(tag):
            node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body
    parts = [n.text(separator="", strip=True) for n in root.css("h1,h2,h3,h4,h5,h6,p,li,tr")]
    return "\n".join(p for p in parts if p)


def _lxml_body(path: Path) -> str:
    import lxml.html

    doc = lxml.html.fromstring(path.read_bytes())
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return doc.body.text_content()


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def bench_html() -> None:
    print("HTML: recall of article lines / chrome snippets leaked / ms per page")
    pages = _pages()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, page, lines in pages:
            p = Path(tmp) / f"{name}.html"
            p.write_text(page, encoding="utf-8")
            files.append((p, lines))
        for label, fn in (("trafilatura", _trafilatura), ("selectolax", _selectolax), ("lxml body", _lxml_body)):
            try:
                found = total = leaked = 0
                started = time.perf_counter()
                for p, lines in files:
                    text = _norm(fn(p))
                    found += sum(1 for ln in lines if _norm(ln) in text)
                    total += len(lines)
                    leaked += sum(1 for c in CHROME if _norm(c) in text)
                ms = (time.perf_counter() - started) * 1000 / len(files)
            except ImportError as exc:
                print(f"  {label:12s} not installed ({exc.name})")
                continue
            print(f"  {label:12s} recall {found}/{total} = {found / total:.3f}   chrome leaked {leaked} "
                  f"(of {len(CHROME) * len(files)})   {ms:.1f} ms/page")


def _pdfminer_paragraphs(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    out = []
    for page in extract_pages(str(path)):
        for el in page:
            if isinstance(el, LTTextContainer):
                out.append(join_lines(el.get_text().splitlines()))
    return out


def bench_pdf(index: bool) -> None:
    font = docgen.japanese_font()
    if font is None:
        print("PDF: no Japanese font (apt-get install fonts-ipafont-gothic)")
        return
    body = [t for k, t in docgen.SOURCE if k in ("p", "li")]
    print("PDF: paragraphs recovered exactly / seconds")
    with tempfile.TemporaryDirectory() as tmp:
        short = docgen.pdf(Path(tmp) / "short.pdf", font)
        long_dir = Path(tmp) / "long"
        long_dir.mkdir()
        long = docgen.pdf(long_dir / "long.pdf", font, repeat=60)
        for name, path, repeat in (("2 pages", short, 1), ("long", long, 60)):
            started = time.perf_counter()
            doc = read_document(path)
            mine = time.perf_counter() - started
            got = [p.text for p in doc.passages]
            pages = max(p.page for p in doc.passages)
            ok = sum(1 for t in body if got.count(t) >= repeat)
            print(f"  {name} ({pages} pages) pypdfium2   {ok}/{len(body)} paragraphs   {mine:.2f} s")
            try:
                started = time.perf_counter()
                paras = _pdfminer_paragraphs(path)
                theirs = time.perf_counter() - started
                ok = sum(1 for t in body if paras.count(t) >= repeat)
                print(f"  {name} ({pages} pages) pdfminer.six {ok}/{len(body)} paragraphs   {theirs:.2f} s")
            except ImportError:
                print("  pdfminer.six not installed")
        if index:
            from assistant.config import Settings
            from assistant.embed import get_embedder
            from assistant.index import ensure_index

            settings = Settings()
            embedder = get_embedder(settings.model, settings.cache)
            started = time.perf_counter()
            built = ensure_index(long_dir, Path(tmp) / "index", embedder, progress=False)
            print(f"  index of the {pages}-page PDF: {len(built.passages)} passages in "
                  f"{time.perf_counter() - started:.1f} s (model already loaded)")


if __name__ == "__main__":
    bench_html()
    bench_pdf(index="--no-index" not in sys.argv)
