"""Real documents made from one source: the same content as Markdown, as an HTML page with site chrome
around it, as a printed PDF (running header, page numbers, wrapped lines, Japanese font) and as DOCX.

The tests read them back through the readers and compare what they quote.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

#: (kind, text): kind is h1/h2/h3 (headings), p (paragraph) or li (list item).
SOURCE: list[tuple[str, str]] = [
    ("h1", "サンプルクラウド セキュリティホワイトペーパー"),
    ("p", "本書は、サンプルクラウドのセキュリティ対策を、お客様の情報システム部門向けに説明するものです。"
          "記載内容は2024年4月1日時点の情報です。"),
    ("h2", "データの保護"),
    ("h3", "保存データの暗号化"),
    ("p", "お客様のデータは、保存時にAES-256で暗号化されます。暗号鍵はクラウド事業者の鍵管理サービスで管理され、"
          "1年ごとに自動でローテーションされます。"),
    ("p", "お客様自身が管理する鍵（BYOK）を利用して暗号化することもできます。"),
    ("h3", "通信の暗号化"),
    ("p", "すべての通信はTLS 1.2以上で暗号化されており、TLS 1.0および1.1による接続は受け付けません。"),
    ("h3", "データの保存場所"),
    ("p", "お客様のデータは東京リージョンと大阪リージョンのデータセンターに保存され、日本国外には保存されません。"),
    ("h2", "アクセス管理"),
    ("h3", "認証"),
    ("li", "SAML 2.0によるシングルサインオン（SSO）に対応しています。"),
    ("li", "多要素認証（MFA）を組織全体で必須に設定できます。"),
    ("li", "パスワードは12文字以上で、英大文字・英小文字・数字・記号を含む必要があります。"),
    ("h3", "権限管理"),
    ("p", "ロールベースのアクセス制御（RBAC）により、管理者・編集者・閲覧者の権限を割り当てられます。"),
    ("p", "SCIM 2.0によるユーザーのプロビジョニングとデプロビジョニングに対応しています。"),
    ("h2", "ログと監視"),
    ("p", "管理者の操作とログインの履歴は監査ログとして記録され、1年間保存されます。"
          "監査ログは管理画面からCSV形式でダウンロードできます。"),
    ("p", "不正なアクセスの兆候は24時間365日監視しており、検知した場合はセキュリティチームが対応します。"),
    ("h2", "事業継続"),
    ("p", "データベースは毎日バックアップされ、バックアップは30日間保持されます。"),
    ("p", "目標復旧時間（RTO）は4時間、目標復旧時点（RPO）は24時間です。"),
    ("p", "年に1回、障害復旧の訓練を実施しています。"),
    ("h2", "第三者認証と脆弱性対策"),
    ("p", "ISO/IEC 27001およびISO/IEC 27017の認証を取得しています。"),
    ("p", "外部の専門企業による侵入テストを年1回実施し、発見された脆弱性は重要度に応じて修正しています。"),
    ("h2", "インシデント対応"),
    ("p", "個人データに関わるセキュリティインシデントが発生した場合は、72時間以内にお客様へ通知します。"),
    ("p", "解約後、お客様のデータは30日以内にすべて削除されます。"),
]

#: Questions about SOURCE and a fragment the right passage contains.
QUESTIONS: list[tuple[str, str]] = [
    ("保存データは暗号化されていますか", "AES-256"),
    ("暗号鍵はローテーションされますか", "ローテーション"),
    ("顧客が管理する鍵を使えますか", "BYOK"),
    ("通信はどのTLSバージョンで暗号化されますか", "TLS 1.2"),
    ("データはどこに保存されますか", "大阪リージョン"),
    ("SAMLによるシングルサインオンに対応していますか", "SAML 2.0"),
    ("多要素認証を必須にできますか", "多要素認証"),
    ("パスワードの要件を教えてください", "12文字以上"),
    ("SCIMによるプロビジョニングに対応していますか", "SCIM 2.0"),
    ("監査ログの保存期間は", "1年間保存"),
    ("バックアップの保持期間は", "30日間保持"),
    ("RTOとRPOを教えてください", "RTO"),
    ("ISO 27001を取得していますか", "ISO/IEC 27001"),
    ("侵入テストを実施していますか", "侵入テスト"),
    ("インシデント発生時はいつまでに通知されますか", "72時間以内"),
    ("解約後のデータ削除について", "30日以内"),
    ("Is data encrypted at rest?", "AES-256"),
    ("Do you support single sign-on with SAML?", "SAML 2.0"),
]


def markdown() -> str:
    out = []
    for kind, text in SOURCE:
        if kind.startswith("h"):
            out.append("#" * int(kind[1]) + " " + text + "\n")
        elif kind == "li":
            out.append(f"- {text}")
            continue
        else:
            out.append(text + "\n")
    lines: list[str] = []
    for chunk in out:
        if not chunk.startswith("- ") and lines and lines[-1].startswith("- "):
            lines.append("")
        lines.append(chunk)
    return "\n".join(lines) + "\n"


def html() -> str:
    """The page as a site serves it: header navigation, breadcrumbs, a cookie banner, a sidebar, a
    footer and scripts around the article."""
    from html import escape

    body = []
    in_list = False
    for kind, text in SOURCE:
        if kind == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        if kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        if kind.startswith("h"):
            body.append(f"<{kind}>{escape(text)}</{kind}>")
        elif kind == "li":
            body.append(f"<li>{escape(text)}</li>")
        else:
            body.append(f"<p>{escape(text)}</p>")
    if in_list:
        body.append("</ul>")
    article = "\n".join(body)
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<title>セキュリティホワイトペーパー | サンプルクラウド</title>
<meta name="description" content="サンプルクラウドのセキュリティ">
<meta property="article:modified_time" content="2024-04-01T09:00:00+09:00">
<script>window.dataLayer = [];</script><style>body {{ font-family: sans-serif; }}</style>
</head><body>
<header class="site-header"><a href="/">サンプルクラウド</a>
<nav><ul><li><a href="/product">製品</a></li><li><a href="/pricing">料金</a></li><li><a href="/support">サポート</a></li>
<li><a href="/login">ログイン</a></li></ul></nav></header>
<div id="cookie-banner">当サイトではクッキーを使用しています。<button>同意する</button></div>
<nav class="breadcrumbs"><a href="/">ホーム</a> › <a href="/security">セキュリティ</a></nav>
<main><article>
{article}
</article>
<aside class="related"><h2>関連記事</h2><ul><li><a href="/blog/1">新機能のお知らせ</a></li>
<li><a href="/blog/2">導入事例を公開しました</a></li></ul></aside>
</main>
<footer><p>© 2024 サンプルクラウド株式会社</p><ul><li><a href="/privacy">プライバシーポリシー</a></li>
<li><a href="/terms">利用規約</a></li></ul></footer>
<script>console.log("analytics");</script>
</body></html>
"""


@lru_cache(maxsize=1)
def japanese_font() -> str | None:
    """A Japanese TrueType font (IPA Gothic, which the Makefile installs), or None."""
    for candidate in ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
                      "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"):
        if Path(candidate).is_file():
            return candidate
    try:
        out = subprocess.run(["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        path = line.split(":")[0].strip()
        if path.lower().endswith(".ttf"):
            return path
    return None


def pdf(path: Path, font: str, repeat: int = 1, contents: bool = False) -> Path:
    """Print the document: A5 pages, a running header and a page number on each, paragraphs wrapped by
    the layout; ``contents`` puts a table of contents (leader dots, page numbers) on page 1; ``repeat``
    prints the body that many times (for a long PDF)."""
    from fpdf import FPDF

    class Printed(FPDF):
        def header(self):
            self.set_font("jp", size=7)
            self.cell(0, 5, "サンプルクラウド株式会社　社外秘", align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def footer(self):
            self.set_y(-12)
            self.set_font("jp", size=8)
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    doc = Printed(format=(148, 210))  # A5, in mm
    doc.add_font("jp", fname=font)
    doc.set_auto_page_break(True, margin=16)
    doc.set_title(SOURCE[0][1])
    doc.add_page()
    sizes = {"h1": 15, "h2": 13, "h3": 11.5}
    if contents:
        doc.set_font("jp", size=sizes["h2"])
        doc.multi_cell(0, 6.5, "目次", new_x="LMARGIN", new_y="NEXT")
        doc.set_font("jp", size=9.5)
        for n, (_, text) in enumerate((k, t) for k, t in SOURCE if k == "h2"):
            # leader dots fill the line up to the page number, as a word processor lays them out: at this
            # size a line holds ~120 of them, so the entry is longer than any body line
            doc.set_font("jp", size=5)
            entry, page = f"{n + 1}. {text} ", f" {n // 3 + 1}"
            dots = int((doc.epw - doc.get_string_width(entry + page)) / doc.get_string_width(".")) - 1
            doc.cell(0, 5, entry + "." * dots + page, new_x="LMARGIN", new_y="NEXT")
        doc.add_page()
    for _ in range(repeat):
        for kind, text in SOURCE:
            if kind in sizes:
                doc.ln(2)
                doc.set_font("jp", size=sizes[kind])
                doc.multi_cell(0, sizes[kind] * 0.5, text, new_x="LMARGIN", new_y="NEXT")
                doc.ln(1.5)
            elif kind == "li":
                doc.set_font("jp", size=9.5)
                doc.multi_cell(0, 5, "・" + text, new_x="LMARGIN", new_y="NEXT")
                doc.ln(1)
            else:
                doc.set_font("jp", size=9.5)
                doc.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
                doc.ln(2.5)
    doc.output(str(path))
    return path


def docx(path: Path) -> Path:
    import docx as python_docx

    doc = python_docx.Document()
    doc.core_properties.title = SOURCE[0][1]
    for kind, text in SOURCE:
        if kind.startswith("h"):
            doc.add_heading(text, level=int(kind[1]))
        elif kind == "li":
            doc.add_paragraph(text, style="List Bullet")
        else:
            doc.add_paragraph(text)
    doc.save(str(path))
    return path
