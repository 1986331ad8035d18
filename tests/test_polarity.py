"""Yes / no from the quote: conservative, sentence-final predicates only."""

from __future__ import annotations

import pytest

from assistant.polarity import asks_yes_no, verdict
from assistant.types import Verdict


@pytest.mark.parametrize("question", [
    "SCIMに対応していますか？", "MFA使える？", "2要素認証に対応していますか?", "Does Workato support SCIM?",
    "Is data at rest encrypted?", "Can we restrict console access to our office IP range?",
    "データは暗号化されていますか", "IPアドレス制限はできる？",
    # a check sheet's item written as its requirement (a review's ○/× sheet of 54 such rows got no mark at all)
    "保存データを暗号化していること。", "バックアップの保存期間を定めていること。", "退職者のアカウントを速やかに削除すること",
    "利用者が操作ログを閲覧できること。",
])
def test_yes_no_questions(question):
    assert asks_yes_no(question)


@pytest.mark.parametrize("question", [
    "保存データの暗号化方式は？", "パスワードポリシーを教えてください。", "What is the minimum password length?",
    "Describe your encryption in transit.", "How long is job history retained?", "データセンターの所在地は？",
    "バックアップの頻度について記載してください。", "どのような暗号化方式を採用していること？",
])
def test_open_questions(question):
    assert not asks_yes_no(question)


@pytest.mark.parametrize(("question", "quote", "expected"), [
    ("SCIMに対応していますか？", "また、SCIMによる同期(プロビジョニング・デプロビジョニング・属性更新)にも対応しています。", Verdict.YES),
    ("IPアドレス制限はできますか？", "Workato自体にはログイン元IPアドレスの制限機能は提供されていません。", Verdict.NO),
    ("IPアドレス制限はできますか？", "接続元IPアドレス制限は提供されていません。SAML SSOを利用することで制限できます。", Verdict.UNCLEAR),
    ("Is there a native IP allowlist?", "We do not provide a restoration service for deleted project data.", Verdict.NO),
    ("Do you back up data?", "All data is backed up to different servers in real-time.", Verdict.YES),
    ("Do you back up data?", "If a server fails, data is not lost. Backups are kept for 30 days.", Verdict.YES),
    ("2段階認証に対応していますか？", "標準でTOTPベースの2要素認証に対応しています。\n※SMS認証には対応していません。", Verdict.YES),
    ("SSOは使えますか？", "SAML SSO利用時は、SAMLプロバイダの設定に準じます", Verdict.UNCLEAR),
    ("保存データの暗号化方式は？", "AES-256で暗号化されます。", None),
    # a short section quoted whole: the paragraph that speaks to the question decides, not its neighbour
    ("Can MFA be enforced for all users?", "Users can enroll an authenticator app as a second factor. SMS codes are "
     "not offered as a second factor.\n\nAdministrators can enforce MFA for everyone in the organization.", Verdict.YES),
    ("管理者は2段階認証が必須ですか？", "一般ユーザーの2段階認証は任意です。\n\n管理者権限を持つユーザーは、2段階認証の設定が必須です。",
     Verdict.YES),
    # a yes, then a no about something else the same act would touch: the clause about what was asked answers
    ("データは日本国内のデータセンターに保管されていますか。",
     "お客様データはすべて日本国内のデータセンターに保管され、国外のリージョンに保管されることはありません。", Verdict.YES),
    ("データは国外に保管されることがありますか。",
     "お客様データはすべて日本国内のデータセンターに保管され、国外のリージョンに保管されることはありません。", Verdict.NO),
    ("SAMLに対応していますか。", "SAMLに対応し、SCIMには対応していません。", Verdict.YES),
    ("SCIMに対応していますか。", "SAMLに対応し、SCIMには対応していません。", Verdict.NO),
    ("SSOに対応していますか。", "SSOの導入を検討し、提供していません。", Verdict.NO),
    ("SSOに対応していますか。", "SSOには対応しておらず、今後も予定はありません。", Verdict.NO),
    # "only for X" beside "not for Y" is one answer: a no to Y
    ("顔写真を顔認証に使用していますか？", "顔写真は、到着を担当者へ通知する際に表示するためにのみ使用します。顔認証などの生体認証には"
     "使用しません。", Verdict.NO),
    # a check sheet's mark is its answer; a remark that contradicts it leaves it to a person
    ("Does the service support single sign-on via SAML?", "○ | SAML 2.0（Enterpriseプラン）", Verdict.YES),
    ("SSOに対応していますか？", "× | 対応予定はありません。", Verdict.NO),
    ("SSOに対応していますか？", "はい | SAML 2.0 は提供していません。", Verdict.UNCLEAR),
    # "not applicable" is neither; a yes for all that holds for some only is no yes
    ("オンプレミス版の提供はありますか。", "－ | クラウドサービスのみの提供です。", Verdict.UNCLEAR),
    ("Is SAML SSO available on all plans?", "SAML SSO is available on the Enterprise plan only.", Verdict.UNCLEAR),
    ("Is SAML SSO available?", "SAML SSO is available on the Enterprise plan only.", Verdict.YES),
    ("SAMLのシングルサインオンはLiteプランでも利用できますか？", "はい。SSOはEnterpriseプランでご利用いただけます。", Verdict.UNCLEAR),
    ("Is SSO included in the Enterprise plan?", "SSO is available on the Enterprise plan.", Verdict.YES),
])
def test_verdict_from_the_quote(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize(("question", "quote", "expected"), [
    # a capability switched off is a no to using it, unless switching it off is what is asked
    ("TLS 1.0での接続は可能ですか。", "2022年6月に、TLS 1.0およびTLS 1.1による接続を無効化しました。", Verdict.NO),
    ("Is TLS 1.1 still accepted?", "TLS 1.0 and TLS 1.1 are disabled on all endpoints.", Verdict.NO),
    # the sentence naming the version or standard asked about answers; the others speak of another one
    ("Is TLS 1.0 supported?", "Data in transit is protected with TLS 1.2 or higher. TLS 1.0 and 1.1 are disabled.",
     Verdict.NO),
    # a contract's disclaimer of what an act means says nothing of whether it is done
    ("Are processes, procedures, and technical measures for data breach notifications defined and implemented?",
     "7.3 Orlenmail's notification of or response to a Personal Data Breach is not an acknowledgement of fault or "
     "liability.", Verdict.UNCLEAR),
    ("Do you notify customers of a personal data breach?",
     "Orlenmail notifies Customer without undue delay. Such notification is not an acknowledgement of fault.", Verdict.YES),
    ("個人データの漏えい時に通知しますか。", "当社による通知は、当社の過失を認めるものではありません。", Verdict.UNCLEAR),
    # plans, however short ("Coming soon."), and a date something is scheduled for, are no yes yet
    ("Does the organization hold a current ISO/IEC 27017 certification?",
     "ISO/IEC 27017\nComing soon. Our first certification audit is scheduled for Q3 2025.", Verdict.NO),
    ("Are backups scheduled for 2am daily?", "Backups are scheduled for 2am daily.", Verdict.YES),
    # asked whether it counts, told it is left out
    ("計画停止（定期メンテナンス）の時間は稼働率の算定対象に含まれますか。",
     "月間稼働率99.9%を目標とします。計画メンテナンスの時間は算定から除きます。", Verdict.NO),
    ("オンプレミス版はISMAP登録の対象に含まれますか。", "オンプレミス版「ふみくらServer」は対象外です。", Verdict.NO),
    # a requirement that something is not done is met by a quote saying it is not done
    ("あらかじめ本人の同意を得ないで、個人データを第三者に提供していないこと。",
     "法令に基づく場合を除き、ご本人の同意なく個人情報を第三者に提供しません。", Verdict.YES),
    # another count than the one asked, written full-width or not
    ("ログイン失敗が10回でロックされますか。", "ログインに５回連続で失敗するとアカウントを60分ロックします。", Verdict.UNCLEAR),
    ("脆弱性診断を年1回以上実施していますか。", "外部機関による脆弱性診断を年2回実施しています。", Verdict.YES),
    ("個人情報の開示請求の手数料は無料ですか。", "開示等の請求には手数料がかかります。手数料は１回につき1,000円です。", Verdict.NO),
    # a table row's "no" in another column (the customer may not view the logs) is no answer to "retained?"
    ("Are logs of privileged access to production systems by the provider's own administrators retained?",
     "ログの種類\t内容\t保存期間\tお客様の閲覧\n管理者操作ログ\t当社運用者の本番環境へのアクセス\t3年\t不可（監査時に提示）",
     Verdict.UNCLEAR),
    # a check sheet as text: the item's question, then its mark and remark on the next line
    ("Do you conduct third-party penetration tests? (Yes/No)",
     "3-2 ペネトレーションテストを実施していますか。\nいいえ 今後の実施を検討中です。", Verdict.NO),
    ("保存データを暗号化していますか。", "2-1 保存データを暗号化していますか。\nはい AES-256で暗号化しています（クラウド事業者\n"
     "のストレージ暗号化機能を利用）。", Verdict.YES),
    # an FAQ's answer opening with a short reply: what follows elaborates it
    ("Do you support SCIM provisioning?", "Not at this time. Users can be created by CSV import or through our REST API.",
     Verdict.NO),
    ("Are background checks performed on new hires?",
     "いいえ。法令上の制約から犯罪歴等の調査は実施していません。代わりに、採用選考の過程で職歴・学歴の確認を行っています。", Verdict.NO),
    ("Is data encrypted in transit?", "Yes. All traffic uses TLS 1.2 or higher; we do not accept TLS 1.0 or 1.1.",
     Verdict.YES),
    # asked whether a thing is done, told only about what it would be done to
    ("稼働率が目標値（保証値）を下回った場合、利用料金の減額・返金（サービスクレジット）を行いますか。",
     "月間稼働率９９．９％を目標に運用しています。", Verdict.UNCLEAR),
    ("サーバーおよび従業員の端末に、マルウェア対策ソフト（ウイルス対策ソフト）を導入していますか。",
     "全従業員に入社時および年1回のセキュリティ研修を実施しています。", Verdict.UNCLEAR),
    ("SLA未達時に返金を行いますか。", "稼働率が99.9%を下回った場合、月額料金の10%を返金します。", Verdict.YES),
    ("データ削除証明書を発行してもらえますか。", "○ | ご要望に応じて発行します。", Verdict.YES),
    # a condition inside the sentence gives no answer
    ("Can the customer object to a new sub-processor, and what happens if the objection cannot be resolved?",
     "5.3 Customer may object on reasonable data-protection grounds within fifteen (15) days of notice; if the parties "
     "cannot resolve the objection, Customer may terminate the affected Services.", Verdict.YES),
    ("Do you sell customer data?", "We do not sell customer data, if you are asking.", Verdict.NO),
    # a requirement to have ruled something out, met by a quote ruling it out
    ("利用者データを目的外に利用しない、また第三者に提供しないことを規定していること。",
     "利用者の同意なく利用者データを第三者に提供しません。", Verdict.YES),
    # asked whether it is free, told it costs extra
    ("Is a certificate of data destruction provided free of charge upon termination?",
     "その後30日以内に消去します。消去証明書の発行はご要望に応じて行います（有償）。", Verdict.NO),
    ("消去証明書は無償で発行されますか？", "消去証明書の発行はご要望に応じて行います（有償）。", Verdict.NO),
    ("Is SSO available at no additional cost?", "SSO is available as a paid add-on for every plan.", Verdict.NO),
    ("消去証明書は発行されますか？", "消去証明書の発行はご要望に応じて行います（有償）。", Verdict.YES),
    # a plan matrix's row with a cell that is no mark says more than its marks
    ("お客様管理の暗号鍵（BYOK）に対応していますか。", "お客様管理の暗号鍵（BYOK）\t×\t×\tオプション", Verdict.UNCLEAR),
    ("IPアドレス制限はできますか。", "IPアドレス制限\t○\t○\t○", Verdict.YES),
    # ... even when it gives no yes or no (a scrape cut it off): the sibling standard's yes is no answer
    ("ISO/IEC 27018の認証を取得していますか。", "ISO/IEC 27017の認証を取得しました。ISO/IEC 27001は継続して取得しています。"
     "なお、ISO/IEC 27018については取得に向けた準備を進めてお", Verdict.UNCLEAR),
    ("Is Kumobako ISO 27001 certified?", "Kumobako holds ISO/IEC 27001:2022 certification. Kumobako is not PCI DSS "
     "certified and does not process card data.", Verdict.YES),
    ("Is TLS 1.2 supported?", "Data in transit is protected with TLS 1.2 or higher. TLS 1.0 and 1.1 are disabled.",
     Verdict.YES),
    ("管理者は2段階認証を無効にできますか？", "管理者は一般ユーザーの2段階認証を無効化しています。", Verdict.YES),
    ("Can an admin disable SSO?", "Once SSO is enforced, it can be disabled by the account owner only.", Verdict.YES),
    # negative words that negate nothing
    ("Are access rights reviewed at least quarterly?",
     "Managers review all access every quarter and remove access that is no longer needed.", Verdict.YES),
    ("Do you notify customers of breaches?", "We notify affected customers no later than 72 hours after confirmation.",
     Verdict.YES),
    ("Is TLS 1.0 supported?", "TLS 1.0 is no longer supported.", Verdict.NO),
    # taking something away is the yes asked for
    ("Do you protect against brute-force login attempts?", "Repeated failed login attempts are blocked.", Verdict.YES),
    ("Do you securely wipe disks before disposal?", "Disks are securely wiped before they are retired.", Verdict.YES),
    ("退職者のアカウントを速やかに削除していますか？", "退職者のアカウントは退職日に無効化しています。", Verdict.YES),
])
def test_what_is_switched_off_and_what_only_sounds_negative(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize(("question", "quote", "expected"), [
    # an aside sharing little of the question does not unsettle the sentence that answers it
    ("ISO/IEC 27001の認証を取得しているか。", "当社はISO/IEC 27001（ISMS）の認証を2021年に取得しています。"
     "なお、ISMAPへの登録は行っておらず、SOC 2 報告書も取得していません。", Verdict.YES),
    ("保存データを暗号化しているか。", "保存データはAES-256で暗号化しています。TLS 1.1は無効化しています。", Verdict.YES),
    # "only here, never there": a no to there, a yes to here; which was asked is for a person to see
    ("データを国内のデータセンターに保管しているか。",
     "お客様のデータは、日本国内（東京および大阪）のデータセンターにのみ保管し、国外に保管することはありません。", Verdict.UNCLEAR),
    ("Is customer data stored in Japan?", "Customer data is stored only in Japan and never leaves the country.",
     Verdict.UNCLEAR),
    # "used only for X" beside "not used for Y" asked about: the restriction says yes to another question
    ("Is customer data used to train machine learning models?", "Customer data is used only to provide the "
     "service. We do not sell customer data and do not use it to train machine learning models.", Verdict.NO),
    ("顧客データをAIの学習に利用していますか？", "顧客データはサービス提供の目的にのみ利用します。"
     "顧客データをAIモデルの学習に利用することはありません。", Verdict.NO),
])
def test_asides_and_only_here_not_there(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize(("question", "quote", "expected"), [
    # a closing aside is no predicate: the sentence before it answers (a fresh-user review's PDF was read "yes")
    ("パスワードの有効期限を設けていますか。",
     "パスワードは12文字以上です。\nパスワードの有効期限は設けていません（NIST SP 800-63Bの考え方に基づきます）。", Verdict.NO),
    ("ISO/IEC 27001認証を取得していますか？",
     "当社は2025年6月にISO/IEC 27001:2022の認証を取得しました（認証範囲：本サービスの開発・運用）。", Verdict.YES),
    # ... but a no or a can in it qualifies the sentence
    ("サーバーのアクセスログを開示してもらえますか。",
     "サーバーのアクセスログは当社の運用担当者のみが参照します（お客様への開示は行っていません）。", Verdict.UNCLEAR),
    ("パスワードに有効期限はありますか？", "有効期限は初期設定では期限なし（管理者が30日〜365日の範囲で設定可能）。", Verdict.UNCLEAR),
    # the thing the question names, said no to, decides over a yes to another thing beside it
    ("OpenID Connectに対応していますか。", "EnterpriseプランでSAML 2.0に対応しています。OpenID Connectには現在対応していません。",
     Verdict.NO),
    ("SMSによるワンタイムパスワードに対応していますか。",
     "認証アプリ（TOTP）による方式に対応しています。SMSによるワンタイムパスワードには対応していません。", Verdict.NO),
    ("Can we bring our own encryption keys (BYOK)?", "Encryption keys are managed in AWS KMS and rotated every year. "
     "Customer-managed keys (BYOK) are not offered at this time.", Verdict.NO),
    # a past sheet's no, its remark saying what is done instead ("only the cloud edition")
    ("オンプレミス版は提供されていますか。", "いいえ | クラウド版のみの提供です。", Verdict.NO),
    ("私物端末（BYOD）の業務利用は認めていますか？", "× | 会社支給端末のみ利用を認めています。", Verdict.NO),
    ("SSOに対応していますか？", "いいえ | SAMLに対応しています。", Verdict.UNCLEAR),
    # a duration or frequency other than the asked one is no yes to it (a review's "within 24 hours?" got
    # Yes from "within 48 hours", "quarterly penetration tests?" from "once a year")
    ("Do you notify customers within 24 hours of a breach?", "We notify affected customers without undue delay "
     "and in any event within 48 hours.", Verdict.UNCLEAR),
    ("個人データ侵害は24時間以内に通知されますか？", "侵害を確認した場合、48時間以内にお客様へ通知します。", Verdict.UNCLEAR),
    ("Do you perform quarterly penetration tests?", "An independent firm performs a penetration test once a year.",
     Verdict.UNCLEAR),
    ("Do you perform annual penetration tests?", "An independent firm performs a penetration test once a year.",
     Verdict.YES),
    ("Are backups kept for 35 days?", "Backups are taken daily and kept for 35 days.", Verdict.YES),
    # asked of one kind of user, a sentence about the other kind only is a sibling fact, and to "mandatory?"
    # an ordinary user's "optional" is the answer (a review's 「一般ユーザーの2段階認証は必須ですか？」 got はい)
    ("一般ユーザーの2段階認証は必須ですか？", "一般ユーザーの2段階認証は任意で、個人設定から有効にできます。\n"
     "管理者権限を持つユーザーは、初回ログイン時に2段階認証の設定が求められ、必須です。", Verdict.NO),
    ("Are general users required to use 2FA?", "Two-factor authentication is optional for general users. "
     "Administrators must use 2FA.", Verdict.NO),
    ("管理者アカウントに多要素認証を必須にしていますか。", "管理者権限を持つユーザーには、多要素認証の設定が必須です。"
     "一般の受講者ユーザーの多要素認証は、お客様の管理者が任意に有効化できます。", Verdict.YES),
    # the 2 of "2FA" is no figure the answer must name: the sentence naming "2FA" had been the only one read
    ("Can 2FA codes be delivered via text message?", "Users can enroll in two-factor authentication with an "
     "authenticator app. Account Owners can require 2FA for the whole team. We do not send login codes by SMS "
     "or text message.", Verdict.UNCLEAR),
    # a yes naming it decides nothing alone: the no beside it may be the asked one's
    ("Can store staff export customer data to CSV?", "Head-office administrators can download customer data as "
     "CSV at any time. Store managers and store staff have no export permission.", Verdict.UNCLEAR),
    # someone able to require it is no "mandatory" (a review's "mandatory for all users?" got Yes at 0.97),
    # unless the question asks whether it can be required, or the sentence also says it is for someone
    ("Is two-factor authentication mandatory for all users?", "Agents can protect their sign-in with two-factor "
     "authentication using an authenticator app (TOTP). Administrators can require two-factor authentication for "
     "every agent in the account.", Verdict.UNCLEAR),
    ("2段階認証は必須ですか？", "管理者は2段階認証を必須に設定できます。", Verdict.UNCLEAR),
    ("2段階認証を必須にできますか？", "管理者は2段階認証を必須に設定できます。", Verdict.YES),
    ("二要素認証を全ユーザーに強制する設定はありますか。", "全体管理者は、会社の全従業員に2段階認証の設定を必須にできます。", Verdict.YES),
    ("Is MFA mandatory for administrator accounts?", "多要素認証 | 管理者は必須／一般ユーザーは任意（管理者が強制可能）",
     Verdict.YES),
    # ... and "optional?" is answered no by "mandatory" (a review's CAIQ row got Yes)
    ("Is multi-factor authentication optional for customer administrator accounts?", "Multi-factor authentication "
     "is mandatory for every customer administrator account and can be enforced for all users by the customer.",
     Verdict.NO),
    # a reply of two words is the answer; what is on a roadmap is not done (a review's SCIM row got Yes at 1.00)
    ("Does the application support SCIM user provisioning?", "Not yet. SCIM provisioning is on our roadmap. Today "
     "users can be created just in time at their first SSO sign-in.", Verdict.NO),
    ("ISMAPに登録していますか。", "ISMAPへの登録は来年度を予定しています。", Verdict.NO),
    ("Do you plan to support SCIM?", "SCIM provisioning is on our roadmap.", Verdict.YES),
    # not applicable is neither (a review's PCI DSS row got No beside an N/A choice)
    ("Are you PCI DSS compliant?", "PCI DSS Not applicable Tallowmere does not store, process or transmit "
     "cardholder data", Verdict.UNCLEAR),
    # a condition's no is not the answer's ("Where … not sufficient, the Customer may … with 30 days' notice")
    ("Does the customer need to give notice before an on-site audit?", "8.2 Where those reports are not "
     "sufficient, the Customer may conduct an on-site audit once a year, with at least 30 days' written notice.",
     Verdict.YES),
    # a footnote naming what was asked, that nothing else names, answers it (a review's POS question got Yes)
    ("Is the IP allowlist also enforced on the POS terminal app?", "IPアドレス制限\nビジネスプランでは、管理画面に"
     "ログインできるIPアドレスを最大10件まで登録できます。\n※店舗のPOS端末アプリ（iPad）は、IPアドレス制限の対象外です。",
     Verdict.UNCLEAR),
    ("自社で管理する暗号鍵（BYOK）を利用できますか。", "データは、AES-256で暗号化して保存しています。\n暗号鍵はAWS KMSで"
     "管理しています。\n※お客様が用意した暗号鍵を持ち込む機能（BYOK）には対応していません。", Verdict.NO),
    # "であり、" is a copula, not a clause saying something is done: the no after it answers
    ("Do you offer an uptime SLA with service credits?", "稼働率の目標は努力目標であり、未達時の返金をお約束するSLAでは"
     "ありません。", Verdict.NO),
    # a no after a yes, sharing none of the question's words, is about something else (a review's ○/× sheet got
    # × for malware protection); unless the yes only prepares what was asked
    ("マルウェア対策を実施していること。", "お客様がアップロードしたファイルは、保存する前にマルウェア検査を行い、"
     "検知されたファイルは受け付けません。", Verdict.YES),
    ("SOC2 Type2報告書を提供できますか。", "SOC 2 Type 2報告書は2026年度中の取得に向けて準備を進めており、現時点では"
     "提供できません。", Verdict.NO),
    # a footnote sharing most of the question's words answers it (a review's sheet got はい)
    ("自動ログアウトまでの時間を管理者が変更できますか？", "ログインに5回続けて失敗すると、アカウントは30分間ロックされます。\n"
     "最後の操作から60分が経過すると、自動的にログアウトします。\n※自動ログアウトまでの時間は変更できません。", Verdict.NO),
    # a duration asked about, none stated: no yes to it ("without undue delay" had written はい for 72時間以内)
    ("個人データ漏えい時に72時間以内に通知しますか。", "If we become aware of a breach affecting your personal "
     "information, we will notify you without undue delay.", Verdict.UNCLEAR),
    # what a thing is done for is not whether it is done (a review's sheet got いいえ for SSO)
    ("ユーザーの認証にシングルサインオン（SSO）をサポートしていますか？", "We support SAML 2.0 single sign-on with any "
     "identity provider. Administrators can enforce SSO so that users can no longer sign in with a password.",
     Verdict.YES),
    # a table row whose value is a mark answers by it; differing marks (a plan matrix) are unclear (a review's
    # pipe table was quoted whole and gave no yes/no at all)
    ("稼働率が未達の場合、返金や減額はありますか？", "| 項目 | 内容 |\n| サービス稼働率（目標値） | 月間99.9% |\n"
     "| 稼働率未達時の返金・減額 | × |\n| 計画停止の事前通知 | 7日前までにメールで通知 |", Verdict.NO),
    ("Is SCIM provisioning available?", "Feature\tStandard\tBusiness\tEnterprise\nSAML SSO\tNo\tYes\tYes\n"
     "SCIM provisioning\tNo\tNo\tYes", Verdict.UNCLEAR),
    # Markdown bold opening a sentence is no footnote mark
    ("Can access be restricted to our IP ranges?", "**Enterprise:** administrators can restrict access to a list of "
     "up to 50 CIDR ranges.", Verdict.YES),
])
def test_a_closing_aside_qualifies_and_the_named_things_no_decides(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize("question, quote, expected", [
    # a plan the question names: the sentence naming it says the answer for it (a review's probes were answered yes
    # from the sentence describing the feature)
    ("ベーシックプランで外部共有先のドメイン制限は使えますか。", "許可したメールドメインのユーザーにだけ共有できるように制限します。\n"
     "ベーシックプランでは利用できません。プロプランまたはエンタープライズプランでご利用ください。", Verdict.NO),
    ("ベーシックプランで共有リンクにパスワードを設定できますか。", "［パスワードで保護］をオンにして、8文字以上のパスワードを入力します。\n"
     "パスワードによる保護は、ベーシックプランではご利用いただけません。", Verdict.NO),
    ("Is the audit log available on the Basic plan?", "操作ログはプロプラン以上でご利用いただけます。ベーシックプランでは"
     "操作ログ機能をご利用いただけません。", Verdict.NO),
    ("Is there an uptime guarantee on the entry-level Starter plan?", "Yes | 99.9% monthly uptime on Business and "
     "Enterprise plans, with service credits. The Starter plan has no SLA.", Verdict.NO),
    # named beside other plans with no yes or no of its own: the feature's yes is for the others
    ("ベーシックプランでランサムウェア検知は利用できますか。", "大量のファイルの暗号化を検知すると、同期を停止し管理者に通知します。\n"
     "この機能はプロプラン以上でご利用いただけます。ベーシックプランでは、バージョン履歴から1つずつ復元してください。", Verdict.UNCLEAR),
    # "on every plan?" told of one plan only
    ("Is SSO included in every plan?", "SAML 2.0によるシングルサインオンに対応しています。SSO機能はエンタープライズプランでご利用いただけます。",
     Verdict.UNCLEAR),
    # a plan is a capitalised name: a response plan is a document, "planned" no plan at all
    ("Do you test your disaster recovery plan?", "The disaster recovery plan is tested once a year.", Verdict.YES),
    # いただけ is no だけ: "available" is not "only"
    ("SMSで認証コードを受け取れますか？", "TOTP方式の認証アプリをご利用いただけます。メールやSMSで確認コードを受け取る方式は"
     "ご利用いただけません。", Verdict.NO),
    # the asked duration beside another of its unit in the sentences that answer: which is which is for a person
    ("Is customer data deleted within 30 days of contract termination?", "解約日から60日間はデータを保持しています。"
     "60日経過後、データベースと添付ファイルを削除します。バックアップからも、その後30日以内に消去されます。", Verdict.UNCLEAR),
    # ... but the asked value bounding a range the quote allows is answered by it
    ("Can job history retention be extended to 90 days?", "デフォルトで30日間、オプションの導入により0~90日間でカスタマイズ可能です。",
     Verdict.YES),
])
def test_a_named_plans_own_sentence_and_durations_beside_the_asked_one(question, quote, expected):
    assert verdict(question, quote) == expected


def test_how_much_is_no_yes_no_question():
    assert not asks_yes_no("ビジネスプランの月額料金はいくらですか？")


@pytest.mark.parametrize("question, quote, expected", [
    # an FAQ's short reply under its question; what follows only says what is (a copula), it gives no yes
    ("1つのワークスペースで複数のIdPを設定できますか？", "できません。設定できるIdPは1ワークスペースにつき1つです。", Verdict.NO),
    ("Can multiple identity providers be configured for one workspace?", "できません。設定できるIdPは1ワークスペースにつき1つです。",
     Verdict.NO),
    ("クラウドセキュリティのISO（27017）はお持ちですか。", "いいえ。ISO/IEC 27017 は現在未取得です。2025年度中の認証取得に向けて準備を"
     "進めています。", Verdict.NO),
    # a requirement to state something is not unmet by a no about something else in the statement
    ("データセンターの所在国・地域を明示していること。", "お客様データは日本国内（東京リージョン）に保管する。国外へのデータ移転は行わない。",
     Verdict.UNCLEAR),
    ("SOC 2報告書を開示していること。", "SOC 2報告書は開示していません。", Verdict.NO),
])
def test_a_short_reply_over_its_explanation_and_a_requirement_to_disclose(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize("question, quote, expected", [
    # asked whether it is kept elsewhere, told plainly it is not: the sentence about elsewhere answers
    ("Is customer data stored outside Japan?", "Customer data is stored in the AWS Tokyo region. We do not store data "
     "outside Japan. Backups are kept for 35 days.", Verdict.NO),
    ("データが国外のサーバーに移されることはありますか？", "お客様データはすべて国内リージョン（東京）に保管しています。"
     "海外へのデータ移転は行いません。", Verdict.NO),
    # ... not when a second question is joined to it, nor "only here" (a no to there, a yes to here)
    ("Do you tell customers where their data is stored, and is any data stored outside Japan?", "Customer data is "
     "stored in the AWS Tokyo region. We do not store data outside Japan.", Verdict.UNCLEAR),
    ("Is customer data stored outside Japan?", "国内のデータセンターにのみ保管し、国外に保管することはありません。",
     Verdict.UNCLEAR),
])
def test_a_plain_no_about_elsewhere_answers_where_elsewhere_is_asked(question, quote, expected):
    assert verdict(question, quote) == expected


@pytest.mark.parametrize("question, quote, expected", [
    # a checklist's line answers by its mark (a review's IP-restriction and BYOK questions had been answered "unclear"
    # from a block of ✓ lines holding the one ✕ they asked about)
    ("接続元IPアドレスによるアクセス制限を設定することは可能ですか。", "【認証・アクセス管理】\n✓ 2要素認証（全プラン）\n"
     "✓ SAMLによるシングルサインオン\n✕ IPアドレス制限（2025年提供予定）\n✓ 操作ログの保存（1年間）", Verdict.NO),
    ("2要素認証に対応していますか。", "【認証・アクセス管理】\n✓ 2要素認証（全プラン）\n✕ IPアドレス制限（2025年提供予定）",
     Verdict.YES),
    ("Is BYOK supported?", "【通信・データ保護】\n✓ 通信の暗号化（TLS 1.2以上）\n✕ お客様管理の暗号鍵（BYOK）\n－ SOC 2（対象外）",
     Verdict.NO),
    ("SOC 2報告書はありますか？", "【通信・データ保護】\n✓ 通信の暗号化（TLS 1.2以上）\n✕ お客様管理の暗号鍵（BYOK）\n"
     "－ SOC 2（対象外）", Verdict.UNCLEAR),
    # a dash opening a line is a mark only in a checklist: elsewhere it is a list's bullet
    ("保存データは暗号化されていますか", "－ 保存データはAES-256で暗号化しています。", Verdict.YES),
])
def test_a_checklists_marks_answer_for_their_lines(question, quote, expected):
    assert verdict(question, quote) == expected
