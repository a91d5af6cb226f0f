#!/usr/bin/env python3
"""Fills translations/autofocus_studio_zh_CN.ts from zh_CN_dictionary.py after `lupdate`.

Only <translation type="unfinished"/> entries whose source is in the dictionary are filled;
everything else is left for a translator (Qt Linguist). Plural (%n) messages get their one
Chinese numerus form. Prints what is still untranslated."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zh_CN_dictionary import ZH  # noqa: E402

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "autofocus_studio_zh_CN.ts")
text = open(path, encoding="utf-8").read()
missing = []


def fill(m):
    block = m.group(0)
    src = re.search(r"<source>(.*?)</source>", block, re.S).group(1)
    if src not in ZH:
        if 'type="unfinished"' in block:
            missing.append(src)
        return block
    zh = ZH[src]
    if 'numerus="yes"' in block:
        new = "<translation>\n            <numerusform>%s</numerusform>\n        </translation>" % zh
    else:
        new = "<translation>%s</translation>" % zh
    return re.sub(r"<translation[^>]*?(/>|>.*?</translation>)", lambda _: new, block, count=1, flags=re.S)


text = re.sub(r"<message[^>]*>.*?</message>", fill, text, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
for s in missing:
    print("untranslated:", s)
