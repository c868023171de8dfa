"""How long a delivery package's PDF takes, and how much memory, with 10,000 and
100,000 names, for each renderer tried: the figures that chose the renderer.

    python bench/packages.py                      # every renderer, 10k and 100k
    python bench/packages.py --renderers fpdf2 --names 10000

Each run is its own process, so its peak memory (the kernel's maximum resident
set size of that process) is its own. The names are Dari, Pashto and Latin,
with Persian digits in the numbers and dates, shaped and laid out right to left.
Prints a table and writes bench/results/packages.json.

- fpdf2: the renderer Hamsada uses (hamsada/delivery/pdf.py); pages are written
  as they fill.
- typst: the names as one typst table per 10,000 (typst lays out a whole
  document in memory), each compiled apart, then joined with pypdf. Tried here
  only: `pip install typst`.
- weasyprint: HTML and CSS, as the letter PDF is made; one document.
- package: the whole package as the worker builds it (`hamsada build_package`):
  a campaign seeded with that many named supporters in SQLite, then the
  delivery snapshot, the PDF (fpdf2), the CSV and the JSON, names read from
  the database in order.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FONTS = ROOT / "hamsada" / "delivery" / "fonts"

GIVEN = ["مریم", "احمد", "ښکلا", "زرغونه", "Fatima", "Sayed", "ګل‌مکۍ", "Nasrin", "ځلمی", "Laila"]
FAMILY = ["رحیمی", "احمدزی", "Hakimi", "یوسفزۍ", "Karimi", "نوری", "Popal", "وردګ", "Sadat"]
COUNTRIES = ["افغانستان", "آلمان", "Canada", "پاکستان", "ایران", "United Kingdom"]


def rows(count):
    digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    for n in range(1, count + 1):
        name = f"{GIVEN[n % len(GIVEN)]} {FAMILY[n * 7 % len(FAMILY)]}"
        day = f"{1 + n % 28} قوس ۱۴۰۵".translate(digits)
        yield (n, name, "", COUNTRIES[n % len(COUNTRIES)], day)


def cover():
    from hamsada.delivery.pdf import Cover

    return Cover(
        language="fa",
        title="مکتب‌های متوسطه را برای دختران بازگشایی کنید",
        heading="دادخواست",
        lines=[("امضاهای تأییدشده با ایمیل", "۱۰۰٬۰۰۰"), ("خطاب به", "Minister of Education")],
        names_title="نام‌ها",
        page_label="صفحهٔ %(number)s",
    )


def run_fpdf2(count, output):
    from hamsada.delivery.pdf import render

    output.write_bytes(render(cover(), rows(count)))


def run_typst(count, output):
    import typst
    from pypdf import PdfWriter

    def escape(text):
        return "".join("\\" + c if c in '\\#[]*_`$<>@"' else c for c in str(text))

    parts = []
    for start in range(0, count, 10_000):
        cells = "".join(
            f"[{escape(n)}], [{escape(name)}], [{escape(country)}], [{escape(day)}],\n"
            for n, name, _detail, country, day in rows(count)
            if start < n <= start + 10_000
        )
        source = (
            '#set page(paper: "a4", margin: 15mm)\n'
            '#set text(font: "Vazirmatn", lang: "fa", size: 9pt, dir: rtl)\n'
            f"#table(columns: (auto, 1fr, auto, auto), stroke: none,\n{cells})\n"
        )
        path = output.with_suffix(f".{start}.typ")
        path.write_text(source)
        part = output.with_suffix(f".{start}.pdf")
        typst.compile(str(path), output=str(part), font_paths=[str(FONTS)])
        parts.append(part)
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with output.open("wb") as handle:
        writer.write(handle)


def run_weasyprint(count, output):
    from weasyprint import HTML

    body = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>{country}</td><td>{day}</td></tr>"
        for n, name, _detail, country, day in rows(count)
    )
    font = (FONTS / "Vazirmatn-Regular.ttf").as_uri()
    html = (
        f'<html lang="fa" dir="rtl"><style>@font-face {{font-family: V; src: url("{font}")}}'
        "body {font-family: V; font-size: 9pt} table {table-layout: fixed; width: 100%}"
        f"</style><table>{body}</table></html>"
    )
    HTML(string=html).write_pdf(str(output))


def run_package(count, output):
    from django.utils import timezone

    from hamsada.campaigns.models import Campaign
    from hamsada.delivery.actions import build_package, claim_package
    from hamsada.delivery.models import Package

    package = Package.objects.create(
        campaign=Campaign.objects.get(slug="bench"), language="fa", requested_at=timezone.now()
    )
    started = time.perf_counter()
    build_package(claim_package(timezone.now()), timezone.now())
    built = Package.objects.get(pk=package.pk)
    output.write_bytes(bytes(built.pdf))
    sizes = {kind: len(bytes(getattr(built, kind))) for kind in ("csv", "json")}
    print(json.dumps({"build_seconds": round(time.perf_counter() - started, 1), **sizes}))


def seed(count, directory):
    """A fresh SQLite database with a campaign of count named supporters."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory}/package-{count}.sqlite3",
        "HAMSADA_VAR_DIR": directory,
    }
    hamsada = [sys.executable, "-m", "hamsada.cli"]
    subprocess.run([*hamsada, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [*hamsada, "seed", "--acts", str(count), "--named-every", "1"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


RENDERERS = {
    "fpdf2": run_fpdf2,
    "typst": run_typst,
    "weasyprint": run_weasyprint,
    "package": run_package,
}


def child(renderer, count, output):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsada.settings")
    os.environ.setdefault("HAMSADA_VAR_DIR", tempfile.mkdtemp(prefix="hamsada-packages-"))
    import django

    django.setup()
    started = time.perf_counter()
    RENDERERS[renderer](int(count), Path(output))
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))
    sys.stdout.flush()


def measure(renderer, count, directory):
    output = Path(directory) / f"{renderer}-{count}.pdf"
    command = [sys.executable, __file__, "--child", renderer, str(count), str(output)]
    env = seed(count, directory) if renderer == "package" else None
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read(), process.stderr.read()
    if status != 0:
        return {"renderer": renderer, "names": count, "error": err.strip().splitlines()[-1]}
    from pypdf import PdfReader

    pages = len(PdfReader(str(output)).pages)
    return {
        "renderer": renderer,
        "names": count,
        "seconds": json.loads(out.strip().splitlines()[-1])["seconds"],
        "peak_mb": round(usage.ru_maxrss / 1024),
        "pages": pages,
        "file_mb": round(output.stat().st_size / 1e6, 1),
    }


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(*sys.argv[2:5])
    parser = argparse.ArgumentParser()
    parser.add_argument("--renderers", default="fpdf2,typst,weasyprint,package")
    parser.add_argument("--names", default="10000,100000")
    parser.add_argument(
        "--weasyprint-max", type=int, default=10_000, help="larger runs would take hours"
    )
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="hamsada-packages-") as directory:
        for count in [int(n) for n in args.names.split(",")]:
            for renderer in args.renderers.split(","):
                if renderer == "weasyprint" and count > args.weasyprint_max:
                    results.append({"renderer": renderer, "names": count, "skipped": True})
                    continue
                result = measure(renderer, count, directory)
                results.append(result)
                print(json.dumps(result), flush=True)
    print(f"\n{'renderer':<12}{'names':>9}{'seconds':>10}{'peak MB':>10}{'pages':>8}{'file MB':>9}")
    for r in results:
        if "seconds" in r:
            print(
                f"{r['renderer']:<12}{r['names']:>9,}{r['seconds']:>10}{r['peak_mb']:>10}"
                f"{r['pages']:>8}{r['file_mb']:>9}"
            )
        else:
            print(f"{r['renderer']:<12}{r['names']:>9,}  {r.get('error', 'not run')}")
    target = ROOT / "bench" / "results" / "packages.json"
    target.write_text(json.dumps({"machine": os.uname().nodename, "results": results}, indent=1))
    resource.getrusage(resource.RUSAGE_SELF)


if __name__ == "__main__":
    main()
