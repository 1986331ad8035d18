"""How long a whole questionnaire takes: a 300-question .xlsx filled end to end.

    .venv/bin/python benchmarks/bench_fill.py [--questions 300] [--keep OUT.xlsx]

Prints the model load, the index build (cold) and load (warm) separately from the fill itself, since a
user pays the first two once per process (the server) or once per command (the CLI), then wall time,
milliseconds per question and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font  # noqa: E402
from tqdm import tqdm  # noqa: E402

from assistant import fill  # noqa: E402
from assistant.answer import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402

#: Distinct phrasings (Japanese and English, answerable and not), cycled with numbering.
PHRASINGS = [
    "SCIMによるユーザープロビジョニングに対応していますか？", "Do you support SCIM provisioning?",
    "パスワードポリシー（桁数・複雑性）を教えてください。", "What is the minimum password length?",
    "保存データは暗号化されていますか？", "Is data at rest encrypted with AES-256?",
    "通信は暗号化されていますか（TLSのバージョン）？", "Which TLS versions does the API platform support?",
    "ログインセッションのタイムアウトは設定できますか？", "Can administrators configure an idle session timeout?",
    "多要素認証（MFA）に対応していますか？", "Is multi-factor authentication supported?",
    "SAML SSOに対応していますか？", "Which identity providers have documented SSO setup steps?",
    "監査ログの保存期間を教えてください。", "How long are audit logs retained?",
    "監査ログを外部のSIEMに転送できますか？", "Can audit logs be streamed to Splunk or Datadog?",
    "ジョブ履歴の保存期間は変更できますか？", "How long is job history data kept by default?",
    "ロールベースのアクセス制御に対応していますか？", "Are custom roles supported?",
    "開発・テスト・本番環境を分離できますか？", "Can we separate development and production environments?",
    "顧客管理の暗号鍵（BYOK）を利用できますか？", "Do you support customer-managed encryption keys?",
    "外部のシークレットマネージャで資格情報を管理できますか？", "Can credentials be stored in HashiCorp Vault?",
    "機密データのマスキング機能はありますか？", "Can sensitive step data be masked in job history?",
    "SOC2レポートは取得していますか？", "Do you have a SOC 2 Type II report?",
    "HIPAAに準拠していますか？", "Is the platform HIPAA compliant?",
    "WAFを導入していますか？", "Is there a web application firewall in front of the platform?",
    "オンプレミスのシステムと安全に接続できますか？", "How does the on-premise agent connect securely?",
    "パスワードはどのように保存されますか？", "Are user passwords stored hashed?",
    "ISMAPに登録されていますか？", "Is Workato ISO 27001 certified?",
    "バックアップの取得頻度を教えてください。", "What is your RPO and RTO?",
    "データセンターの所在地はどこですか？", "Do you perform annual penetration tests?",
    "脆弱性診断の頻度を教えてください。", "Is there a bug bounty program?",
    "インシデント発生時の通知期限は？", "Do you have a documented incident response plan?",
    "従業員のセキュリティ教育を実施していますか？", "Are background checks performed on employees?",
    "サービスの稼働率SLAは？", "What is the capital of France?",
    "個人情報の取り扱いについて記載はありますか？", "Where is the privacy policy published?",
    "ワークスペースをチーム単位で分離できますか？", "Can we restrict access by IP address?",
    "TOTPベースの二要素認証に対応していますか？", "Which authenticator apps can be used for 2FA?",
]


def _questionnaire(path: Path, n: int) -> int:
    wb = Workbook()
    ws = wb.active
    ws.title = "Questionnaire"
    ws.append(["セキュリティチェックシート (benchmark)"])
    ws.merge_cells("A1:D1")
    ws.append(["No.", "分類", "質問", "備考"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i in range(n):
        if i % 25 == 0:
            ws.append([None, None, f"■ セクション {i // 25 + 1}", None])
        number = (f"Q{i + 1}.", f"{i // 25 + 1}-{i % 25 + 1})", f"({i + 1})", f"AC-{i + 1:03d}:")[i % 4]
        ws.append([i + 1, "一般", f"{number} {PHRASINGS[i % len(PHRASINGS)]}", None])
    wb.save(path)
    return n


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="also copy the filled workbook here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = Settings(index=tmp / "index")
        started = time.perf_counter()
        assistant = Assistant(settings, progress=False)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        Assistant(settings, progress=False)  # the model is cached per process: this is the index load alone
        warm = time.perf_counter() - started
        rss_loaded = _rss_mib()

        src, dst = tmp / "bench.xlsx", tmp / "bench-filled.xlsx"
        n = _questionnaire(src, args.questions)
        started = time.perf_counter()
        with tqdm(total=n, desc="Filling", unit="q", file=sys.stderr) as bar:
            summary = fill.fill_file(assistant, src, dst, progress=lambda done, _total: bar.update(done - bar.n))
        wall = time.perf_counter() - started
        if args.keep:
            shutil.copyfile(dst, args.keep)

    print(f"model load            {assistant.model_seconds:8.2f} s  ({settings.model})")
    print(f"index build (cold)    {cold - assistant.model_seconds:8.2f} s  ({len(assistant.index.passages)} passages)")
    print(f"index load (warm)     {warm:8.2f} s")
    print(f"fill {n} questions   {wall:8.2f} s wall  ({summary.seconds:.2f} s inside fill_file)")
    print(f"per question          {wall / n * 1000:8.1f} ms")
    print(f"peak RSS              {_rss_mib():8.0f} MiB  (after load: {rss_loaded:.0f} MiB)")
    print(f"result                {summary.line()}")
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
