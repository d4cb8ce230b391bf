#!/usr/bin/env bash
# Makes the two fonts bundled with roster's print output (NotoSerifCJKsc-Subset-{Regular,Bold}.otf)
# from Debian's fonts-noto-cjk package, so that anyone can make them again and check them.
#
# What is kept: ASCII and Latin-1, general punctuation, arrows, number forms, enclosed numbers,
# geometric shapes, CJK symbols and punctuation, full-width forms, CJK compatibility ideographs
# and the whole CJK Unified Ideographs block U+4E00–U+9FFF: GB 2312's 6,763 hanzi, all of GBK's
# and every character of the 通用规范汉字表 in that block, so nearly every name. Hinting is
# dropped (the PDF never uses it). Of the OpenType layout features only the positioning ones
# are kept (kern; halt and palt, the half-width and proportional CJK punctuation). The
# substitutions (GSUB: the Japanese, Korean and traditional forms behind `locl`, vertical
# forms) are left out: they would double the file, the SC face needs none of them, and with
# them Typst 0.15 prints some characters of the subset as blanks (长, 面, ：), which the test
# `every_character_of_the_bundled_font_has_ink_on_the_page` catches.
#
# Needs Debian or Ubuntu (apt-get download) and Python 3; installs fontTools with pip.
set -euo pipefail
cd "$(dirname "$0")"

deb_version="1:20220127+repack1-1"    # the fonts-noto-cjk version the committed files come from
fonttools_version="4.68.0"
unicodes="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2150-218F,U+2190-21FF,U+2460-24FF,U+25A0-25FF,U+3000-303F,U+4E00-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "fonts-noto-cjk=$deb_version" && dpkg -x fonts-noto-cjk_*.deb x)
python3 -m pip install --quiet "fonttools==$fonttools_version"

pids=()
for weight in Regular Bold; do
  # Face 2 of the collection is the simplified-Chinese one (Noto Serif CJK SC).
  python3 -m fontTools.subset "$work/x/usr/share/fonts/opentype/noto/NotoSerifCJK-$weight.ttc" \
    --font-number=2 --unicodes="$unicodes" --layout-features='kern,halt,palt' --no-hinting \
    --name-IDs='*' --name-languages='*' \
    --output-file="NotoSerifCJKsc-Subset-$weight.otf" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for weight in Regular Bold; do
  echo "NotoSerifCJKsc-Subset-$weight.otf: $(wc -c < "NotoSerifCJKsc-Subset-$weight.otf") bytes"
done
# The licence: the SIL-1.1 paragraph of Debian's copyright file, unwrapped from its format.
{
  echo "Noto Serif CJK SC: Copyright 2017-2022 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
  echo "Copyright 2010-2012, Google Corporation (Debian's copyright file for fonts-noto-cjk $deb_version)."
  echo "NotoSerifCJKsc-Subset-Regular.otf and NotoSerifCJKsc-Subset-Bold.otf are subsets of it (make-subset.sh),"
  echo "distributed under the licence below."
  echo
  awk 'prev == "" && /^License: SIL-1.1$/ {on = 1; next} {prev = $0} on && /^[^ ]/ {exit} on {sub(/^ /, ""); if ($0 == ".") $0 = ""; print}' \
    "$work/x/usr/share/doc/fonts-noto-cjk/copyright"
} > OFL.txt
