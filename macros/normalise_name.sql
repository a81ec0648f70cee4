{#-
  Customer-name normalisation for 名寄せ (shared/spec/customer_key.md, rule 4).

  nfkc_fold(expr)      Unicode NFKC for the characters that occur in Japanese company names
                       and 全銀 remitter names (repertoire listed in nfkc_fold__map).
  normalise_name(expr) the full rule 4; NULL for NULL input and for a name that is empty
                       once normalised (e.g. only a legal-entity designator).

  Cross-engine on purpose: the generated expression uses only replace, translate, upper,
  nullif and ||, which DuckDB, PostgreSQL, Snowflake and Spark SQL share, and it is built
  with plain Jinja (no adapter.dispatch, no dbt-only context) so it also renders with
  jinja2 alone, which is how tests/python/test_name_normaliser.py exercises it.

  String literals: quotes are doubled by normalise_name__quote. Backslash and apostrophe
  are the two characters whose literal syntax differs between engines (Snowflake and
  Spark read '\\' as one backslash, DuckDB and Postgres as two; Spark has no '' escape
  and reads 'a''b' as the concatenation 'a' 'b'), so they only ever appear at the end
  of a literal, where every reading gives the intended result or, on Spark, at worst
  leaves that single character unmapped. See the comments at each use.
-#}

{#- One SQL string literal; ' is doubled, no other escaping is needed for our data. -#}
{% macro normalise_name__quote(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}


{#-
  NFKC compatibility mappings, character by character, without canonical composition
  (composition is nfkc_fold__compose). Covered exactly (tested against unicodedata):
    - U+FF01-FFEE Halfwidth and Fullwidth Forms: full-width ASCII, half-width katakana
      (ﾞ ﾟ become U+3099 / U+309A), ｟｠, ￠￡￢￤￥￦, half-width symbols;
    - U+3000-30FF CJK punctuation, hiragana, katakana (U+3000, 〶〸〹〺, ゛゜, ゟ, ヿ);
    - U+3220-3247 parenthesised / circled ideographs (㈱ → (株), ㈲ → (有), ㈹ → (代) …),
      U+3280-32B0 circled ideographs (㊑ → 株), U+32D0-32FF circled katakana and ㋿,
      and ㍿ (→ 株式会社), the one CJK-compatibility square seen in company names;
    - no-break and typographic spaces (U+00A0, U+2000-200A, U+202F, U+205F), the hyphens
      U+2011 and U+FE63, and the dot leaders ․ ‥ ….
  Deliberately not covered (left unchanged): half-width Hangul U+FFA0-FFDC; combining
  marks that NFKC would reorder against ゙ (the ideographic tone marks U+302A-302F, and
  ￣ U+FFE3, whose NFKC is space + U+0304); the other squared words of U+3300-33FF
  (㌀ アパート …); circled / parenthesised numbers and Latin (① ⑴ ⒜); ligatures; and
  anything outside these blocks.
-#}
{% macro nfkc_fold__map(expr) -%}
    {%- set q = normalise_name__quote -%}
    {#- (from, to) pairs of equal length, grouped by block so each line can be checked by eye -#}
    {%- set one_to_one = [
        ('！＂＃＄％＆（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠',
         '!"#$%&()*+,-./0123456789:;<=>?@'),
        ('ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［］＾＿｀',
         'ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`'),
        ('ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠',
         'abcdefghijklmnopqrstuvwxyz{|}~⦅⦆'),
        ('｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ',
         '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'),
        ('ﾞﾟ', '\u3099\u309a'),
        ('￠￡￢￤￥￦￨￩￪￫￬￭￮', '¢£¬¦¥₩│←↑→↓■○'),
        ('\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f',
         '               '),
        ('\u2011\u2024\ufe63', '\u2010.-'),
        ('〶〸〹〺㉄㉅㉆㉇', '〒十卄卅問幼文箏'),
        ('㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉㊊㊋㊌㊍㊎㊏㊐㊑㊒㊓㊔㊕㊖㊗㊘㊙㊚㊛㊜㊝㊞㊟㊠㊡㊢㊣㊤㊥㊦㊧㊨㊩㊪㊫㊬㊭㊮㊯㊰',
         '一二三四五六七八九十月火水木金土日株有社名特財祝労秘男女適優印注項休写正上中下左右医宗学監企資協夜'),
        ('㋐㋑㋒㋓㋔㋕㋖㋗㋘㋙㋚㋛㋜㋝㋞㋟㋠㋡㋢㋣㋤㋥㋦㋧㋨㋩㋪㋫㋬㋭㋮㋯㋰㋱㋲㋳㋴㋵㋶㋷㋸㋹㋺㋻㋼㋽㋾',
         'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヰヱヲ'),
    ] -%}
    {#- U+3220-3243: each becomes '(' + ideograph + ')' -#}
    {%- set parenthesised = '㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩㈪㈫㈬㈭㈮㈯㈰㈱㈲㈳㈴㈵㈶㈷㈸㈹㈺㈻㈼㈽㈾㈿㉀㉁㉂㉃' -%}
    {%- set parenthesised_to = '一二三四五六七八九十月火水木金土日株有社名特財祝労代呼学監企資協祭休自至' -%}
    {%- set expansions = [
        ('㍿', '株式会社'), ('㋿', '令和'), ('…', '...'), ('‥', '..'),
        ('゛', ' \u3099'), ('゜', ' \u309a'), ('ゟ', 'より'), ('ヿ', 'コト'),
    ] -%}

    {%- set mapped -%}
        {#- ＼ and ＇ stay out of the main translate: their targets need the engine-specific
            literals below, and a dropped character there must not shift the other pairs.
            '\\' is one backslash on Snowflake/Spark (so Snowflake, which rejects a target
            longer than the source, never sees one) and two on DuckDB/Postgres, whose
            translate ignores the surplus target character. On Spark '''' reads as two empty
            literals, so ＇ is deleted there instead of mapped (normalise_name drops it anyway). -#}
        translate(translate(translate({{ expr }}, {{ q(one_to_one | map(attribute=0) | join) }}, {{ q(one_to_one | map(attribute=1) | join) }}), '＼', '\\'), '＇', '''')
    {%- endset -%}
    {%- set ns = namespace(sql=mapped | trim) -%}
    {%- for i in range(parenthesised | length) -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(parenthesised[i]) ~ ', ' ~ q('(' ~ parenthesised_to[i] ~ ')') ~ ')' -%}
    {%- endfor -%}
    {%- for source, target in expansions -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(source) ~ ', ' ~ q(target) ~ ')' -%}
    {%- endfor -%}
    {{- ns.sql -}}
{%- endmacro %}


{#-
  Canonical composition of kana + U+3099 / U+309A (katakana and hiragana), as NFC does:
  カ+゙ → ガ, ハ+゚ → パ, ウ+゙ → ヴ, ワ+゙ → ヷ, ヽ+゙ → ヾ. Marks after anything else stay, as
  in NFKC; with drop_unpaired they are removed instead (normalise_name, where a stray
  mark carries no information and would otherwise compose on a second pass).
-#}
{% macro nfkc_fold__compose(expr, drop_unpaired=false) -%}
    {%- set q = normalise_name__quote -%}
    {%- set voiced_base = 'うかきくけこさしすせそたちつてとはひふへほゝウカキクケコサシスセソタチツテトハヒフヘホワヰヱヲヽ' -%}
    {%- set voiced      = 'ゔがぎぐげござじずぜぞだぢづでどばびぶべぼゞヴガギグゲゴザジズゼゾダヂヅデドバビブベボヷヸヹヺヾ' -%}
    {%- set semi_voiced_base = 'はひふへほハヒフヘホ' -%}
    {%- set semi_voiced      = 'ぱぴぷぺぽパピプペポ' -%}
    {%- set ns = namespace(sql=expr) -%}
    {%- for i in range(voiced_base | length) -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(voiced_base[i] ~ '\u3099') ~ ', ' ~ q(voiced[i]) ~ ')' -%}
    {%- endfor -%}
    {%- for i in range(semi_voiced_base | length) -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(semi_voiced_base[i] ~ '\u309a') ~ ', ' ~ q(semi_voiced[i]) ~ ')' -%}
    {%- endfor -%}
    {%- if drop_unpaired -%}
        {%- set ns.sql = 'translate(' ~ ns.sql ~ ', ' ~ q('\u3099\u309a') ~ ', ' ~ "'')" -%}
    {%- endif -%}
    {{- ns.sql -}}
{%- endmacro %}


{% macro nfkc_fold(expr) -%}
    {{- nfkc_fold__compose(nfkc_fold__map(expr)) -}}
{%- endmacro %}


{#-
  Legal-entity designators, '|'-separated, in normalised spelling (NFKC, upper case, large
  kana, no spaces), because they are matched after those steps.
    written      stripped at the start or the end of the name: 株式会社山田, 山田株式会社;
    abbreviated  kanji and 全銀 kana abbreviations, stripped only in their parenthesised
                 forms: (X) anywhere, X) at the start, (X at the end (全銀 conventions:
                 カ)ヤマダ, ヤマダ(カ, ヤマダ(カ)トウキヨウ). A bare カ or イ is part of a name;
    latin_suffix English designators, stripped at the end only.
  A macro rather than a variable so the Python tests read the very same lists.
-#}
{% macro normalise_name__designators(kind) -%}
    {%- set designators = {
        'written': [
            '株式会社', 'カブシキガイシヤ', 'カブシキカイシヤ',
            '有限会社', 'ユウゲンガイシヤ', 'ユウゲンカイシヤ',
            '合同会社', 'ゴウドウガイシヤ', 'ゴウドウカイシヤ',
            '合資会社', 'ゴウシガイシヤ', 'ゴウシカイシヤ',
            '合名会社', 'ゴウメイガイシヤ', 'ゴウメイカイシヤ',
            '相互会社', 'ソウゴガイシヤ',
            '医療法人社団', '医療法人財団', '社会医療法人', '医療法人', 'イリヨウホウジンシヤダン', 'イリヨウホウジンザイダン', 'イリヨウホウジン',
            '一般社団法人', '公益社団法人', '社団法人', 'イツパンシヤダンホウジン', 'コウエキシヤダンホウジン', 'シヤダンホウジン',
            '一般財団法人', '公益財団法人', '財団法人', 'イツパンザイダンホウジン', 'コウエキザイダンホウジン', 'ザイダンホウジン',
            '宗教法人', 'シユウキヨウホウジン', '学校法人', 'ガツコウホウジン', '社会福祉法人', 'シヤカイフクシホウジン',
            '特定非営利活動法人', 'NPO法人', 'トクテイヒエイリカツドウホウジン',
            '独立行政法人', '地方独立行政法人', '更生保護法人', '国立大学法人', '公立大学法人', '農事組合法人', '管理組合法人',
            '弁護士法人', '行政書士法人', '司法書士法人', '税理士法人', '社会保険労務士法人', '有限責任中間法人', '無限責任中間法人',
        ],
        'abbreviated': [
            '株', '有', '同', '資', '名', '相', '医', '社', '一社', '公社', '財', '一財', '公財', '宗', '学', '福', '特非', '独', '弁', '税', '司',
            'カ', 'ユ', 'ド', 'シ', 'メ', 'ソ', 'イ', 'シヤ', 'ザイ', 'シユウ', 'ガク', 'フク', 'ホゴ', 'トクヒ', 'ドク', 'チドク',
            'ベン', 'チユウ', 'ギヨ', 'シホウ', 'ゼイ', 'ダイ', 'ノウ', 'カンリ', 'ロウム',
        ],
        'latin_suffix': ['COMPANYLIMITED', 'CORPORATION', 'COLTD', 'CORP', 'INC', 'LTD', 'LLC'],
    } -%}
    {{- designators[kind] | join('|') -}}
{%- endmacro %}


{#-
  Rule 4. Order of steps, and why:
    1. nfkc_fold__map, then upper: ｶ) → カ), ＡＢＣ → ABC, ㈱ → (株), abc → ABC;
    2. one translate: small kana → large (ャ → ヤ, so カブシキガイシャ and 全銀's カブシキガイシヤ
       meet), and delete spaces, punctuation, long-vowel and hyphen variants — but keep
       ( and ), which tell a designator abbreviation from the same kana inside a name;
    3. compose kana + ゙/゚ only now, after the deletions (ｶ ﾞ, カ゛ → ガ), and drop the marks that
       cannot compose, so no later step can bring a base and a stray mark together;
    4. designators, longest first, anchored by sentinels '<' … '>' (both were deleted in
       step 2, so they cannot come from the data): the parenthesised abbreviations first,
       then ( ) are dropped, then the written forms at either end (so 山田株式会社( is
       caught too), then Latin suffixes;
    5. drop the sentinels; '' becomes NULL.
  Each end loses at most one written designator: 株式会社株式会社山田 keeps one, which no
  real name needs and which is the only way a second pass can change the result.
-#}
{% macro normalise_name(expr) -%}
    {%- set small_kana = 'ァィゥェォャュョッヮヵヶぁぃぅぇぉゃゅょっゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ' -%}
    {%- set large_kana = 'アイウエオヤユヨツワカケあいうえおやゆよつわかけクシストヌハヒフヘホムラリルレロ' -%}
    {#- characters to delete (after nfkc_fold__map, so half-width and full-width forms are already
        folded): spaces and zero-width characters; ASCII punctuation except ( ) ' \ (see below);
        CJK punctuation and brackets; quotes and middle dots; ¥ (全銀's backslash); and the
        long-vowel / hyphen / dash variants -#}
    {%- set dropped = ' \u200b\ufeff'
        ~ '!"#$%&*+,-./:;<=>?@[]^_`{|}~'
        ~ '、。〃〈〉《》「」『』【】〔〕〖〗〘〙〚〛〝〞〟〽・⦅⦆'
        ~ '‘’‚‛“”„‟·•‧¥'
        ~ 'ー〜〰゠‐‒–—―−⁃﹣' -%}
    {%- set written = normalise_name__designators('written').split('|') -%}
    {%- set abbreviated = normalise_name__designators('abbreviated').split('|') -%}
    {%- set latin_suffix = normalise_name__designators('latin_suffix').split('|') -%}
    {%- set q = normalise_name__quote -%}

    {#- steps 1 and 2; '' and '\\' close the delete list, see the file header: on Spark
        '...''\\' reads as '...' '\\', so only the apostrophe stays undeleted there -#}
    {%- set cleaned -%}
        translate(upper({{ nfkc_fold__map(expr) }}), '{{ small_kana ~ dropped }}''\\', {{ q(large_kana) }})
    {%- endset -%}
    {#- step 3, then the sentinels of step 4 -#}
    {%- set ns = namespace(sql="'<' || " ~ nfkc_fold__compose(cleaned | trim, drop_unpaired=true) ~ " || '>'") -%}

    {#- step 4; "longest first" is a loop over lengths, so the lists can stay grouped by meaning -#}
    {%- set longest = (written + abbreviated + latin_suffix) | map('length') | max -%}
    {%- for n in range(longest, 0, -1) -%}
        {%- for form in abbreviated if form | length == n -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q('(' ~ form ~ ')') ~ ", '')" -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for n in range(longest, 0, -1) -%}
        {%- for form in abbreviated if form | length == n -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q('<' ~ form ~ ')') ~ ", '<')" -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q('(' ~ form ~ '>') ~ ", '>')" -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set ns.sql = 'translate(' ~ ns.sql ~ ", '()', '')" -%}
    {%- for n in range(longest, 0, -1) -%}
        {%- for form in written if form | length == n -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q('<' ~ form) ~ ", '<')" -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(form ~ '>') ~ ", '>')" -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for n in range(longest, 0, -1) -%}
        {%- for form in latin_suffix if form | length == n -%}
            {%- set ns.sql = 'replace(' ~ ns.sql ~ ', ' ~ q(form ~ '>') ~ ", '>')" -%}
        {%- endfor -%}
    {%- endfor -%}

    {#- step 5 -#}
    nullif(translate({{ ns.sql }}, '<>', ''), '')
{%- endmacro %}
