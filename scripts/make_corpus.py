#!/usr/bin/env python3
"""Builds a benchmark corpus of varied report files from data/samples.

python3 scripts/make_corpus.py --count N --out DIR [--seed S]

Each file is a sample report (round-robin) with its fiscal years shifted, its decimal
amounts scaled (exactly, with decimal.Decimal) and its place names replaced by other real
ones from data/regions.csv; one file in ten is re-encoded to GB18030. Files are spread
over subfolders of 1,000.
"""
import argparse, csv, os, random, re
from decimal import Decimal, ROUND_HALF_UP

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEAR = re.compile(r"(20[12][0-9])(?=年)")
DECIMAL = re.compile(r"(?<![0-9.])([0-9]+\.[0-9]+)(?![0-9.])")
PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}(?:市|区|县|州)(?=[\u4e00-\u9fff])")


def load_places():
    prefectures, counties = [], []
    with open(os.path.join(ROOT, "data", "regions.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] == "prefecture" and row["name"].endswith("市"):
                prefectures.append(row["name"])
            elif row["level"] == "county" and row["name"][-1] in "区县":
                counties.append(row["name"])
    return prefectures, counties


def vary(text, rng, prefectures, counties):
    shift = rng.randint(-3, 1)
    text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    factor = Decimal(rng.randint(50, 200)) / 100

    def scale(m):
        value = Decimal(m.group(1))
        places = Decimal(1).scaleb(value.as_tuple().exponent)
        return str((value * factor).quantize(places, rounding=ROUND_HALF_UP))

    text = DECIMAL.sub(scale, text)
    mapping = {}
    for name in sorted(set(PLACE.findall(text[:400]))):
        pool = counties if name[-1] in "区县" else prefectures
        mapping[name] = rng.choice(pool)
    for old, new in mapping.items():
        text = text.replace(old, new)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    samples_dir = os.path.join(ROOT, "data", "samples")
    samples = [open(os.path.join(samples_dir, n), encoding="utf-8").read() for n in sorted(os.listdir(samples_dir))]
    prefectures, counties = load_places()
    total = 0
    for index in range(args.count):
        text = vary(samples[index % len(samples)], rng, prefectures, counties)
        data = text.encode("gb18030") if index % 10 == 9 else text.encode("utf-8")
        folder = os.path.join(args.out, f"{index // 1000:04d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"r{index:06d}.txt"), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{args.count} files, {total} bytes in {args.out}")


if __name__ == "__main__":
    main()
