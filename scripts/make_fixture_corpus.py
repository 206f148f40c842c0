#!/usr/bin/env python3
"""Builds Tests/Fixtures/corpus: 13 reports for the aggregation tests, made by editing two
seed reports — the department form of data/samples/000_… and the first project form of
data/samples/003_… — with other agencies, regions, years, amounts, scores and problem
texts. The expected comparative values are worked out by hand in
Tests/PerfevalTests/AggregateTests.swift from the table below.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "data", "samples")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "corpus")

PROBLEMS = {
    "budget": "预算编制细化不够，年初预算与实际支出有出入。",
    "execution": "预算执行进度不均衡，部分资金未按计划支出。",
    "staffing": "专业人才缺乏，人员不足。",
    "digital": "档案信息化建设滞后。",
}

# file, agency, year, budget_full = budget_initial, executed, score, problem
DEPT = [
    ("d01", "株洲市渌口区档案馆", 2021, "100", "90", "92", "budget"),
    ("d02", "株洲市渌口区档案馆", 2022, "200", "200", "96", "budget"),
    ("d03", "株洲市渌口区档案馆", 2023, "150", "120", "88", "budget"),
    ("d04", "攸县档案馆", 2022, "80", "76", "95", "execution"),
    ("d05", "攸县档案馆", 2023, "120", "120", "90", "budget"),
    ("d06", "常宁市档案馆", 2021, "60", "45", "85", "staffing"),
    ("d07", "常宁市档案馆", 2023, "90", "81", "97", "budget"),
    ("d08", "昌吉市档案馆", 2022, "50", "50", "99", "digital"),
    ("d09", "昌吉市档案馆", 2023, "70", "56", "75", "digital"),
]
# file, agency, project, year, budget, executed, score
PROJECT = [
    ("p01", "昌吉州档案馆", "档案数字化", 2021, "20", "20", "98"),
    ("p02", "昌吉州档案馆", "档案数字化", 2022, "30", "27", "91"),
    ("p03", "株洲市渌口区档案馆", "档案抢救", 2022, "40", "30", "80"),
    ("p04", "常宁市档案馆", "档案征集", 2023, "10", "10", "100"),
]


def rate(budget, executed):
    return f"{int(executed) * 100 / int(budget):g}%"


def replace_lines(lines, edits):
    for number, text in edits.items():
        lines[number - 1] = text
    return lines


def dept(template, agency, year, budget, executed, score, problem):
    lines = template.split("\n")
    replace_lines(lines, {3: f"（{year}年度）", 5: f"\t{agency}", 22: f"\t{budget}", 23: f"\t{budget}", 24: f"\t{executed}",
                          26: f"\t{rate(budget, executed)}", 187: f"\t　{score}", 219: PROBLEMS[problem],
                          227: " " * 29 + agency})
    return "\n".join(lines).replace("2022年", f"{year}年")


def project(template, agency, name, year, budget, executed, score):
    lines = template.split("\n")[:210]
    replace_lines(lines, {3: f"\t（{year}年度）", 6: f"\t{name}", 9: "\t同级党委办公室", 11: f"\t{agency}",
                          24: f"\t{budget}", 25: f"\t{budget}", 26: f"\t{executed}", 28: f"\t{rate(budget, executed)}",
                          33: f"\t{budget}", 34: f"\t{budget}", 35: f"\t{executed}", 208: f"\t{score}"})
    return "\n".join(lines).replace("2020年", f"{year}年") + "\n"


def main():
    dept_template = open(os.path.join(SAMPLES, "000_d5715af45698640f.txt"), encoding="utf-8").read()
    project_template = open(os.path.join(SAMPLES, "003_9b3ab8e5931ca96a.txt"), encoding="utf-8").read()
    os.makedirs(OUT, exist_ok=True)
    for name, *values in DEPT:
        open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8").write(dept(dept_template, *values))
    for name, *values in PROJECT:
        open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8").write(project(project_template, *values))
    print(f"{len(DEPT) + len(PROJECT)} reports in {OUT}")


if __name__ == "__main__":
    main()
