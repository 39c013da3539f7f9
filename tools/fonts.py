#!/usr/bin/python3
"""fonts.py: the web fonts of Guichet's public pages, cut from Debian's font
packages to the characters that Guichet shows.

    tools/fonts.py OUTDIR I18N_C PO...

Collects every character of the catalogs (msgid and msgstr of each PO file),
of the language names in I18N_C (the known[] table of src/util/i18n.c, shown
by the language chooser) and a base of Latin letters and punctuation (names,
addresses and notices typed by the staff); gives each character to the font
of its script; writes each font's subset in regular and bold as
OUTDIR/fonts/NAME-WEIGHT.woff2 and the @font-face rules, with the exact
unicode-range of each subset, as OUTDIR/fonts.css. A browser downloads a
font only when a page shows one of its characters. A character no font here
has is drawn by the reader's own fonts, the end of the stacks of
static/public.css.

Needs fonts-noto-core, fonts-noto-cjk, python3-fonttools and python3-brotli
(./dev installs them). The output depends only on the inputs, so that two
builds give the same files and the same ETags.
"""
import hashlib
import io
import os
import re
import sys

try:
    from fontTools import subset
    from fontTools.ttLib import TTFont
except ImportError:
    sys.exit("fonts.py: python3-fonttools is missing (./dev setup installs it)")

NOTO = "/usr/share/fonts/truetype/noto"
CJK = "/usr/share/fonts/opentype/noto"
CJK_SC = 2  # "Noto Sans CJK SC" inside NotoSansCJK-*.ttc

# Characters every complex script needs beside its own: the joiners (Persian
# writes the zero-width non-joiner inside words), the direction marks, and
# the dotted circle that shows a mark typed alone.
JOINERS = [0x200C, 0x200D]
MARKS = [0x200E, 0x200F]

# name, CSS family, regular file, bold file, TTC index, the script's ranges,
# extra code points that go into this font too. "sans" takes every character
# no other font claims, when it has it.
FONTS = [
    ("sans", "Guichet Sans", f"{NOTO}/NotoSans-Regular.ttf", f"{NOTO}/NotoSans-Bold.ttf", None, [], []),
    ("arabic", "Guichet Arabic", f"{NOTO}/NotoNaskhArabic-Regular.ttf", f"{NOTO}/NotoNaskhArabic-Bold.ttf", None,
     [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)], JOINERS + MARKS),
    ("ethiopic", "Guichet Ethiopic", f"{NOTO}/NotoSansEthiopic-Regular.ttf", f"{NOTO}/NotoSansEthiopic-Bold.ttf",
     None, [(0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)], []),
    ("tamil", "Guichet Tamil", f"{NOTO}/NotoSansTamil-Regular.ttf", f"{NOTO}/NotoSansTamil-Bold.ttf", None,
     [(0x0B80, 0x0BFF)], JOINERS + [0x25CC]),
    ("bengali", "Guichet Bengali", f"{NOTO}/NotoSansBengali-Regular.ttf", f"{NOTO}/NotoSansBengali-Bold.ttf", None,
     [(0x0980, 0x09FF), (0x0964, 0x0965)], JOINERS + [0x25CC]),
    ("georgian", "Guichet Georgian", f"{NOTO}/NotoSansGeorgian-Regular.ttf", f"{NOTO}/NotoSansGeorgian-Bold.ttf",
     None, [(0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F)], []),
    ("cjk", "Guichet CJK", f"{CJK}/NotoSansCJK-Regular.ttc", f"{CJK}/NotoSansCJK-Bold.ttc", CJK_SC,
     [(0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
      (0xFF00, 0xFFEF), (0x20000, 0x2FA1F)], []),
]

# The Latin base: ASCII, Latin-1, Latin Extended-A (French, Spanish,
# Portuguese, Romanian, Turkish, Albanian, Kurmanji, Somali and the names of
# places and people), the dashes, quotes, bullet and ellipsis, the euro.
BASE = ([(0x20, 0x7E), (0xA0, 0x17F), (0x218, 0x21B), (0x2010, 0x2027), (0x2030, 0x203A)], [0x20AC, 0x2116])


def po_strings(path):
    """Every msgid and msgstr of a PO file, obsolete entries included (they
    cost little and come back often)."""
    out = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("#~"):
                line = line[2:].strip()
            elif line.startswith("#"):
                continue
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if m:
                cur = [m.group(2)]
                out.append(cur)
            elif line.startswith('"') and line.endswith('"') and cur is not None:
                cur.append(line[1:-1])
    text = []
    for parts in out:
        s = "".join(parts)
        s = re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)
        text.append(s)
    return text


def endonyms(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r'\{"[a-z]{2,3}", "([^"]+)", [01]\}', f.read())


def load(path, index):
    if not os.path.exists(path):
        sys.exit(f"fonts.py: {path} is missing (./dev setup installs fonts-noto-core and fonts-noto-cjk)")
    return TTFont(path, fontNumber=index if index is not None else -1, recalcTimestamp=False)


def ranges(cps):
    """unicode-range: "U+41-5A,U+E9"."""
    out, cps = [], sorted(cps)
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(f"U+{cps[i]:X}" if i == j else f"U+{cps[i]:X}-{cps[j]:X}")
        i = j + 1
    return ",".join(out)


def cut(path, index, cps):
    font = load(path, index)
    cmap = font.getBestCmap()
    keep = sorted(c for c in cps if c in cmap)
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]  # shaping: Arabic joining, Indic conjuncts
    opts.name_IDs = ["*"]  # keep the copyright and licence notices
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    s = subset.Subsetter(opts)
    s.populate(unicodes=keep)
    s.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff2"
    font.save(buf)
    return buf.getvalue(), keep


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: fonts.py OUTDIR I18N_C PO...")
    outdir, i18n_c, pos = argv[0], argv[1], argv[2:]
    chars = set()
    for p in pos:
        for s in po_strings(p):
            chars.update(ord(c) for c in s)
    for name in endonyms(i18n_c):
        chars.update(ord(c) for c in name)
    for lo, hi in BASE[0]:
        chars.update(range(lo, hi + 1))
    chars.update(BASE[1])
    chars = {c for c in chars if c >= 0x20 and c not in (0x7F,)}

    claimed = {f[0]: set(f[6]) for f in FONTS}
    rest = set()
    for c in chars:
        for name, _, _, _, _, rs, _ in FONTS:
            if any(lo <= c <= hi for lo, hi in rs):
                claimed[name].add(c)
                break
        else:
            rest.add(c)
    sans = load(FONTS[0][2], None).getBestCmap()
    claimed["sans"] = {c for c in rest if c in sans} | set(FONTS[0][6])
    missing = sorted(c for c in rest if c not in sans and c not in JOINERS + MARKS)
    if missing:
        print("fonts.py: no font here for " + " ".join(f"U+{c:04X}" for c in missing) +
              " (the reader's fonts will draw them)", file=sys.stderr)

    os.makedirs(os.path.join(outdir, "fonts"), exist_ok=True)
    css = ["/* Generated by tools/fonts.py from Debian's Noto fonts (SIL Open Font License 1.1):",
           " * each face holds only the characters Guichet shows. Do not edit. */"]
    for name, family, regular, bold, index, _, _ in FONTS:
        want = claimed[name]
        for weight, path in (("400", regular), ("700", bold)):
            data, keep = cut(path, index, want)
            fname = f"{name}-{weight}.woff2"
            with open(os.path.join(outdir, "fonts", fname), "wb") as f:
                f.write(data)
            if not keep:
                continue
            version = hashlib.sha256(data).hexdigest()[:12]
            css.append(f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: {weight}; '
                       f'font-display: swap; src: url("/static/fonts/{fname}?v={version}") format("woff2"); '
                       f'unicode-range: {ranges(keep)}; }}')
    with open(os.path.join(outdir, "fonts.css"), "w", encoding="utf-8") as f:
        f.write("\n".join(css) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
