"""Realistic Japanese company names, their readings and the forms each system writes.

A company is a core name (山田商事) with its reading (ヤマダショウジ) and a legal-entity
designator (株式会社) placed before (前株) or after (後株) the core. Every system writes it
differently; the functions below produce those written forms.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from .kana import full_width_ascii, half_width, zengin_kana

# (kanji, reading): family names and auspicious/place words used as company name stems.
STEMS: list[tuple[str, str]] = [
    ("田中", "タナカ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山本", "ヤマモト"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("小川", "オガワ"),
    ("岡田", "オカダ"),
    ("後藤", "ゴトウ"),
    ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"),
    ("近藤", "コンドウ"),
    ("坂本", "サカモト"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("西村", "ニシムラ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("三浦", "ミウラ"),
    ("藤井", "フジイ"),
    ("岡本", "オカモト"),
    ("松田", "マツダ"),
    ("中川", "ナカガワ"),
    ("中野", "ナカノ"),
    ("原田", "ハラダ"),
    ("小野", "オノ"),
    ("竹内", "タケウチ"),
    ("金子", "カネコ"),
    ("和田", "ワダ"),
    ("中山", "ナカヤマ"),
    ("石井", "イシイ"),
    ("上田", "ウエダ"),
    ("山田", "ヤマダ"),
    ("大和", "ヤマト"),
    ("富士", "フジ"),
    ("日進", "ニッシン"),
    ("東邦", "トウホウ"),
    ("北陸", "ホクリク"),
    ("関東", "カントウ"),
    ("中央", "チュウオウ"),
    ("平和", "ヘイワ"),
    ("三和", "サンワ"),
    ("大成", "タイセイ"),
    ("共立", "キョウリツ"),
    ("新日本", "シンニホン"),
    ("太平洋", "タイヘイヨウ"),
    ("旭", "アサヒ"),
    ("桜", "サクラ"),
    ("光", "ヒカリ"),
    ("明和", "メイワ"),
    ("昭和", "ショウワ"),
    ("東洋", "トウヨウ"),
    ("日東", "ニットウ"),
    ("大同", "ダイドウ"),
    ("協和", "キョウワ"),
    ("東亜", "トウア"),
    ("南海", "ナンカイ"),
    ("北斗", "ホクト"),
    ("瀬戸内", "セトウチ"),
    ("信濃", "シナノ"),
    ("武蔵", "ムサシ"),
    ("浪速", "ナニワ"),
    ("博多", "ハカタ"),
    ("青葉", "アオバ"),
    ("若葉", "ワカバ"),
    ("丸山", "マルヤマ"),
    ("高砂", "タカサゴ"),
    ("千代田", "チヨダ"),
    ("白鳥", "シラトリ"),
    ("菱和", "リョウワ"),
    ("栄光", "エイコウ"),
    ("双葉", "フタバ"),
    ("相模", "サガミ"),
    ("駿河", "スルガ"),
    ("飛騨", "ヒダ"),
    ("紀州", "キシュウ"),
    ("湘南", "ショウナン"),
    ("常盤", "トキワ"),
    ("三協", "サンキョウ"),
    ("日栄", "ニチエイ"),
    ("東栄", "トウエイ"),
    ("サンライズ", "サンライズ"),
    ("グリーンテック", "グリーンテック"),
    ("アクア", "アクア"),
    ("ネクスト", "ネクスト"),
    ("フロンティア", "フロンティア"),
    ("コスモ", "コスモ"),
    ("アルファ", "アルファ"),
    ("エース", "エース"),
    ("ユニオン", "ユニオン"),
    ("オリエント", "オリエント"),
    ("パシフィック", "パシフィック"),
    ("スマイル", "スマイル"),
    ("SK", "エスケイ"),
    ("ABC", "エイビーシー"),
    ("KTC", "ケイティーシー"),
    ("NS", "エヌエス"),
    ("TMC", "ティーエムシー"),
]

# (kanji, reading, industry): the business word that follows the stem.
BUSINESSES: list[tuple[str, str, str]] = [
    ("商事", "ショウジ", "卸売業"),
    ("商会", "ショウカイ", "卸売業"),
    ("物産", "ブッサン", "卸売業"),
    ("通商", "ツウショウ", "卸売業"),
    ("工業", "コウギョウ", "製造業"),
    ("製作所", "セイサクショ", "製造業"),
    ("産業", "サンギョウ", "製造業"),
    ("精機", "セイキ", "製造業"),
    ("電機", "デンキ", "電気機械器具製造業"),
    ("化学", "カガク", "化学工業"),
    ("電子", "デンシ", "電子部品製造業"),
    ("技研", "ギケン", "製造業"),
    ("金属", "キンゾク", "金属製品製造業"),
    ("印刷", "インサツ", "印刷業"),
    ("食品", "ショクヒン", "食料品製造業"),
    ("製菓", "セイカ", "食料品製造業"),
    ("建設", "ケンセツ", "建設業"),
    ("工務店", "コウムテン", "建設業"),
    ("設備", "セツビ", "設備工事業"),
    ("運輸", "ウンユ", "運輸業"),
    ("物流", "ブツリュウ", "運輸業"),
    ("倉庫", "ソウコ", "倉庫業"),
    ("システム", "システム", "情報通信業"),
    ("ソフト", "ソフト", "情報通信業"),
    ("薬品", "ヤクヒン", "医薬品卸売業"),
    ("繊維", "センイ", "繊維工業"),
    ("木材", "モクザイ", "木材・木製品製造業"),
    ("不動産", "フドウサン", "不動産業"),
    ("興産", "コウサン", "卸売業"),
    ("開発", "カイハツ", "サービス業"),
    ("電設", "デンセツ", "電気工事業"),
    ("機械", "キカイ", "機械器具製造業"),
    ("工機", "コウキ", "機械器具製造業"),
    ("紙業", "シギョウ", "パルプ・紙製造業"),
    ("ホールディングス", "ホールディングス", "持株会社"),
    ("テクノ", "テクノ", "製造業"),
]


# Designators with their 全銀 abbreviation (before / after the name) and accounting short form.
@dataclass(frozen=True)
class Designator:
    full: str  # 株式会社
    bank_before: str  # ｶ)
    bank_after: str  # (ｶ
    short: str | None  # (株) — None where the accounting system writes it out


KABUSHIKI = Designator("株式会社", "ｶ)", "(ｶ", "(株)")
YUGEN = Designator("有限会社", "ﾕ)", "(ﾕ", "(有)")
GODO = Designator("合同会社", "ﾄﾞ)", "(ﾄﾞ", None)
SHADAN = Designator("一般社団法人", "ｼﾔ)", "(ｼﾔ", None)
IRYO = Designator("医療法人", "ｲ)", "(ｲ", None)


@dataclass(frozen=True)
class CompanyName:
    core: str  # 山田商事 (as the billing system prints it, full-width Latin)
    reading: str  # ヤマダショウジ (proper katakana, small kana allowed)
    designator: Designator
    before: bool  # 前株 (株式会社山田商事) or 後株 (山田商事株式会社)
    industry: str

    @property
    def billing_name(self) -> str:
        """As printed on the invoice: 株式会社山田商事."""
        d = self.designator.full
        return f"{d}{self.core}" if self.before else f"{self.core}{d}"

    @property
    def billing_kana(self) -> str:
        """全銀-style reading for the billing master: ヤマダシヨウジ."""
        return zengin_kana(self.reading)


def designator_for(rng: random.Random) -> Designator:
    u = rng.random()
    if u < 0.74:
        return KABUSHIKI
    if u < 0.89:
        return YUGEN
    return GODO


def normalised_key(text: str) -> str:
    """A loose comparison key, used only to keep generated names from colliding by accident."""
    t = unicodedata.normalize("NFKC", text).upper()
    for d in ("株式会社", "有限会社", "合同会社", "一般社団法人", "医療法人"):
        t = t.replace(d, "")
    return (
        "".join(ch for ch in t if ch.isalnum())
        .translate(str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ"))
        .replace("ー", "")
    )


def accounting_name(name: CompanyName, rng: random.Random) -> str:
    """How the accounting master writes it: (株)山田商事, 山田商事㈱, 有限会社 …."""
    d = name.designator
    core = name.core if rng.random() < 0.7 else unicodedata.normalize("NFKC", name.core)
    if d.short is None:
        return f"{d.full}{core}" if name.before else f"{core}{d.full}"
    short = rng.choice([d.short, d.short, d.short.replace("(", "（").replace(")", "）")])
    if d is KABUSHIKI and rng.random() < 0.25:
        short = "㈱"
    return f"{short}{core}" if name.before else f"{core}{short}"


def crm_name(name: CompanyName, rng: random.Random) -> str:
    """How the CRM writes it: 山田商事 株式会社, or the core alone for some records."""
    u = rng.random()
    if u < 0.65:
        return f"{name.core} {name.designator.full}"
    if u < 0.85:
        return f"{name.designator.full} {name.core}"
    return name.core


def legal_name(name: CompanyName, rng: random.Random) -> str:
    """How the legal system records the debtor: 株式会社　山田商事, (株)山田商事, …."""
    d = name.designator
    forms = [
        f"{d.full}\u3000{name.core}",
        f"{name.core}{d.full}",
        f"{d.full}{name.core}",
        f"{d.short or d.full}{name.core}",
        f"{name.core}（{d.short.strip('()') if d.short else d.full}）",
    ]
    return rng.choice(forms)


def remitter_name(name: CompanyName, style: str) -> str:
    """The 振込依頼人名 as the bank delivers it, in one of the customer's usual styles."""
    d = name.designator
    if style == "full_small":  # full-width, small kana kept: ヤマダショウジ（カ
        kana = name.reading
        tag_before = _full_tag(d.bank_before)
        tag_after = _full_tag(d.bank_after)
        return f"{tag_before}{kana}" if name.before else f"{kana}{tag_after}"
    kana = zengin_kana(name.reading)
    if style == "full":  # full-width 全銀 kana: カ）ヤマダシヨウジ
        return f"{_full_tag(d.bank_before)}{kana}" if name.before else f"{kana}{_full_tag(d.bank_after)}"
    hw = half_width(kana)
    if style == "spaced":  # ｶ) ﾔﾏﾀﾞｼﾖｳｼﾞ
        return f"{d.bank_before} {hw}" if name.before else f"{hw} {d.bank_after}"
    return f"{d.bank_before}{hw}" if name.before else f"{hw}{d.bank_after}"


def _full_tag(tag: str) -> str:
    """ｶ) → カ）: the designator abbreviation in full-width characters."""
    return unicodedata.normalize("NFKC", tag).replace("(", "（").replace(")", "）")


def remitter_style(rng: random.Random) -> str:
    u = rng.random()
    if u < 0.75:
        return "half"
    if u < 0.85:
        return "spaced"
    if u < 0.95:
        return "full"
    return "full_small"


def printable_core(stem: str, business: str) -> str:
    """Latin stems are printed full-width on invoices (ＳＫ精機)."""
    return f"{full_width_ascii(stem) if stem.isascii() else stem}{business}"
