#!/usr/bin/env python3
"""Builds Tests/Fixtures/mirror/*.txt: web-page fixtures of seeds 000 and 004 as mirror and
document-sharing sites serve them: converted to traditional characters (OpenCC `s2t`,
Debian package `opencc`, a build-time tool only), with page furniture (`第1页 / 共15页`,
download buttons, upload info) and spam lines mixed in — spam carrying a year, an amount in
万元 and a phone number, one line before the title, one advert inside a sentence, one inside
the problems section. Also Tests/Fixtures/traditional/*.docx: docx fixtures with the text
of word/document.xml converted to traditional characters. The fixtures are committed.
"""
import os
import subprocess
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Tests", "Fixtures", "webtext")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "mirror")

HEADER = [
    "澳门娱乐城2025年度回馈活动，注册即送88万元，咨询热线4008123456",
    "文档贡献者：wenku_2019    上传时间：2023-04-01    下载积分：5    阅读量：1,234",
    "立即下载  |  收藏本页  |  分享到：",
]
SPAM_LINES = ["专业代办营业执照2024年度年检，费用5万元起，微信号13912345678", "加微信13800138000领取2026年度补贴10万元"]
ADVERT = "白事一条龙服务价格 4008341834"


def to_traditional(text):
    return subprocess.run(["opencc", "-c", "s2t"], input=text, capture_output=True, text=True, check=True).stdout


def mirror(lines):
    out = list(HEADER)
    page = 1
    for index, line in enumerate(lines):
        if "，" in line and ADVERT not in "".join(out) and len(line) > 40 and index > 3:
            head, tail = line.split("，", 1)
            line = head + "，" + ADVERT + tail       # an advert inside a sentence, as on web26
        out.append(line)
        if "存在的主要问题" in line or "存在问题" in line:
            out.append(SPAM_LINES[0])
        if index % 20 == 19:
            page += 1
            out.append(f"第{page - 1}页 / 共15页")
            if page == 3:
                out.append(SPAM_LINES[1])
    out.append("下载文档  收藏本页  版权所有")
    return out


def traditional_docx(source, target):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as converted:
        for entry in original.infolist():
            data = original.read(entry.filename)
            if entry.filename == "word/document.xml":
                data = to_traditional(data.decode("utf-8")).encode("utf-8")
            converted.writestr(entry, data)


def main():
    traditional = os.path.join(ROOT, "Tests", "Fixtures", "traditional")
    os.makedirs(traditional, exist_ok=True)
    name = "000_d5715af45698640f.docx"
    traditional_docx(os.path.join(ROOT, "Tests", "Fixtures", "docx", name), os.path.join(traditional, name))
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(SOURCE)):
        if not (name.startswith("000") or name.startswith("004")):
            continue
        lines = open(os.path.join(SOURCE, name), encoding="utf-8").read().splitlines()
        text = to_traditional("\n".join(mirror(lines)) + "\n")
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as handle:
            handle.write(text)
        print(name, len(text.splitlines()), "lines")


if __name__ == "__main__":
    main()
