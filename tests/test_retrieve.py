"""The approximate search of large corpora agrees with the exact one (threshold lowered to exercise it)."""

from __future__ import annotations

import pytest

from assistant import index as index_mod
from assistant.index import ensure_index
from assistant.retrieve import Retriever

from .test_answer import POLICY_MD

QUESTIONS = [
    "SCIMに対応していますか？", "保存データの暗号化方式は？", "Is data at rest encrypted with AES-256?",
    "ジョブ履歴の保存期間は？", "What is the minimum password length?", "Which regions are your data centers in?",
    "監査ログの保存期間は？", "Is data encrypted in transit?", "Is Workato registered under ISMAP?",
    "バックアップは取得していますか？", "What is the weather in Tokyo tomorrow?",
]


def _pair(index, embedder, monkeypatch, ef: int = 16):
    exact = Retriever(index, embedder)
    approx = Retriever(index, embedder, exact_max=10, ann_ef=ef)  # far fewer candidates than passages
    calls = []
    original = Retriever.search_approx
    monkeypatch.setattr(Retriever, "search_approx", lambda self, *a, **kw: calls.append(1) or original(self, *a, **kw))
    return exact, approx, calls


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_approximate_search_agrees_with_the_exact_one(assistant, monkeypatch, mode):
    index = assistant.index
    assert len(index.passages) > 40
    exact, approx, calls = _pair(index, assistant.embedder, monkeypatch)
    for q in QUESTIONS:
        a, b = exact.search(q, k=3, mode=mode), approx.search(q, k=3, mode=mode)
        assert [h.passage.id for h in b.hits][:1] == [h.passage.id for h in a.hits][:1], q
        first, other = a.hits[0], b.hits[0]
        # the floor on the spread is the population std instead of the median leave-one-out one: O(1/n)
        assert other.dense_z == pytest.approx(first.dense_z, rel=0.02, abs=0.02), q
        assert other.bm25_z == pytest.approx(first.bm25_z, rel=0.02, abs=0.02), q
        assert other.dense == pytest.approx(first.dense, abs=1e-5) and other.bm25 == first.bm25
        assert other.bm25_rank == first.bm25_rank, "BM25 ranks count every passage"
        if first.dense_rank <= 16:  # within the HNSW candidates the dense rank is counted exactly
            assert other.dense_rank == first.dense_rank, q
        assert b.dense_runner_up == pytest.approx(a.dense_runner_up, abs=1e-5)
        assert (b.terms, b.missing) == (a.terms, a.missing)
    assert len(calls) == len(QUESTIONS), "the approximate path was taken"
    calls.clear()
    exact.search(QUESTIONS[0])
    assert not calls, "a corpus under the threshold is searched exactly"


def test_approximate_answers_match(assistant, monkeypatch):
    """What the reader sees: the same status and first quote, and a confidence within a few points."""
    exact, approx, _ = _pair(assistant.index, assistant.embedder, monkeypatch)
    for q in QUESTIONS:
        a = assistant.answer_from(q, exact.search(q, k=3))
        b = assistant.answer_from(q, approx.search(q, k=3))
        assert b.citations[0].quote == a.citations[0].quote, q
        assert b.confidence == pytest.approx(a.confidence, abs=0.03), q


def test_large_build_writes_the_graph_and_moments(make_corpus, tmp_path, assistant, monkeypatch):
    monkeypatch.setattr(index_mod, "ANN_FROM", 5)
    corpus = make_corpus({"policy.md": POLICY_MD})
    idx = ensure_index(corpus, tmp_path / "idx", assistant.embedder, progress=False)
    assert (idx.folder / "dense.hnsw").is_file() and (idx.folder / "dense-moments.npz").is_file()
    assert idx.graph is not None and idx.graph.ntotal == idx.dense.ntotal and idx.moments is not None
    served = Retriever(idx, assistant.embedder, exact_max=5, ann_ef=4)
    exact = Retriever(idx, assistant.embedder)
    for q in ["How long are backups retained?", "How often are penetration tests done?"]:
        a, b = exact.search(q, k=3), served.search(q, k=3)
        assert b.hits[0].passage.id == a.hits[0].passage.id
        assert b.hits[0].dense_z == pytest.approx(a.hits[0].dense_z, rel=0.05, abs=0.05)


JA_PAGE = """# セキュリティ

## 暗号化
保存データはAES-256で暗号化されます。

## 認証
SAML SSOと2要素認証に対応しています。

## ログ
監査ログは1年間保存されます。

## バックアップ
バックアップは毎日取得し、30日間保持します。
"""

EN_PAGE = """# Security terms

## Incident response
We notify customers of a security incident within 72 hours.

## Vulnerability management
External penetration tests are run every year.

## Personnel
Employees receive security training when they join.
"""


def test_a_mixed_language_corpus_scores_dense_similarity_within_each_language(assistant, make_corpus, tmp_path):
    """e5's cosines to passages of the question's own language run higher: each language's passages are
    z-scored among themselves, so the other language's best passage is not sunk by the scale."""
    import numpy as np

    from assistant.retrieve import _z

    folder = make_corpus({"security.ja.md": JA_PAGE, "terms.en.md": EN_PAGE})
    index = ensure_index(folder, tmp_path / "index", assistant.embedder, progress=False)
    retriever = Retriever(index, assistant.embedder)
    ja = np.array(["暗" in p.text or "ログ" in p.text or "対応" in p.text or "バックアップ" in p.text
                   for p in index.passages])
    assert ja.sum() >= 3 and (~ja).sum() >= 3
    assert sorted(map(len, retriever._groups)) == sorted([int(ja.sum()), int((~ja).sum())])
    for question in ("セキュリティインシデントの通知期限は？", "Is data at rest encrypted?"):
        dense = retriever.dense_scores(question)
        expected = np.empty_like(dense)
        expected[ja], expected[~ja] = _z(dense[ja]), _z(dense[~ja])
        result = retriever.search(question, k=len(index.passages))
        for hit in result.hits:
            i = index.passages.index(hit.passage)
            assert hit.dense_z == pytest.approx(float(expected[i]), abs=1e-5)
    # the Japanese question's English answer comes first, the English question's Japanese one too
    assert "72 hours" in retriever.search("セキュリティインシデントの通知期限は？").hits[0].passage.text
    assert "AES-256" in retriever.search("Is data at rest encrypted?").hits[0].passage.text


def test_a_one_language_corpus_keeps_one_distribution(assistant):
    assert Retriever(assistant.index, assistant.embedder)._groups is None


def test_the_same_paragraph_in_several_documents_is_one_candidate(make_corpus, tmp_path, assistant):
    from assistant.answer import Assistant
    from assistant.config import Settings

    shared = "SAML 2.0によるシングルサインオンは、エンタープライズプランでご利用いただけます。"
    long = "登録時には、エンティティIDとACSのURLを管理画面からコピーして、IdP側の設定画面に貼り付けてください。" * 5
    corpus = make_corpus({f"sso-{idp}.txt": f"{idp}とのSAML連携\n{shared}\n\n設定手順\n{idp}の{long}\n"
                          for idp in ("Okta", "Entra ID", "Google")}
                         | {"mfa.txt": "2段階認証\n全ユーザーに認証アプリによる2段階認証を必須にできます。\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    hits = other.retrieve("SAMLでシングルサインオンできますか？", k=3).hits
    quotes = [h.passage.quote_text for h in hits]
    assert sum(shared in q for q in quotes) == 1 and len(hits) == 3, quotes
    assert other.retriever._units[hits[0].passage.id] != other.retriever._units[hits[1].passage.id]

    footer = "ご不明な点がございましたら、サポート窓口までお問い合わせください。"
    corpus = make_corpus({f"{topic}.md": f"# {topic}\n\n{topic}の設定は管理画面から変更できます。\n\n{footer}\n"
                          for topic in ("SAML", "IP制限", "監査ログ", "パスワード")}, name="help")
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx2"), progress=False)
    assert len(set(other.retriever._units.tolist())) >= 4, "one shared sentence does not merge every article's unit"


DEFINING_PAGE = """# 2段階認証の設定

## 2段階認証とは

2段階認証とは、ユーザーがオンラインサービスにアクセスする際に、2つの異なる認証要素を使用して本人確認を行うセキュリティ手法です。

## 2段階認証でできること

管理者はスペース内の全ユーザーに2段階認証を強制できます。認証アプリ、SMS、Eメールから選択できます。

## 料金

すべてのプランで追加料金なしで利用できます。

## パスワード

パスワードは8文字以上で、英字と数字を含める必要があります。

## IPアドレス制限

許可したIPアドレスからのみアクセスできるよう制限できます。

## 監査ログ

管理者は監査ログを閲覧し、CSVでダウンロードできます。

## バックアップ

データは毎日バックアップされ、30日分を保持します。

## 暗号化

通信はTLS 1.2以上で暗号化し、保存データはAES-256で暗号化しています。

## シングルサインオン

SAML 2.0によるシングルサインオンに対応しています。
"""


def test_a_passage_that_defines_a_term_is_no_answer_about_the_service(assistant, make_corpus, tmp_path):
    """A help article opens with what the term means ("2段階認証とは、…手法です"); a check sheet asks what the
    service does. Asked what the term means, the definition is the answer."""
    from assistant import retrieve

    folder = make_corpus({"mfa.md": DEFINING_PAGE})
    index = ensure_index(folder, tmp_path / "index", assistant.embedder, progress=False)
    retriever = Retriever(index, assistant.embedder)
    question = "2段階認証（多要素認証）は利用できますか？"
    assert retriever.search(question).hits[0].passage.section[-1] == "2段階認証でできること"
    assert retriever.search("2段階認証とは何ですか？").hits[0].passage.section[-1] == "2段階認証とは"
    assert retriever._defines.sum() == 1
    assert retrieve._DEFINES.search("What is SSO?") and not retrieve._DEFINES.search("What is your uptime commitment?")
