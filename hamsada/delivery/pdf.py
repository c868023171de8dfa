"""The delivery package as PDF, drawn with fpdf2: HarfBuzz shapes Dari and
Pashto, fpdf2's own bidi algorithm orders mixed text, and pages are written as
they fill, so memory stays flat however many names there are (bench/packages.py
has the figures that chose it).

The renderer takes plain values and strings already in the package's language,
so it knows nothing of the database.
"""

from dataclasses import dataclass, field
from pathlib import Path

import segno
from fpdf import FPDF

from hamsada.lib.text import direction, localize_digits

FONTS = Path(__file__).resolve().parent / "fonts"
MARGIN = 15
LINE = 6.2


@dataclass
class Cover:
    """What the first pages say, every string already translated."""

    language: str
    title: str
    heading: str  # e.g. "Petition" or "Open letter"
    lines: list[tuple[str, str]]  # (label, value): counts, targets, snapshot
    demands: list[str] = field(default_factory=list)
    countries: list[tuple[str, str]] = field(default_factory=list)
    chart_title: str = ""
    chart: list[tuple[str, int]] = field(default_factory=list)  # (period label, acts)
    proof_title: str = ""
    proof: list[tuple[str, str]] = field(default_factory=list)  # (label, hash or key)
    link: str = ""
    link_label: str = ""
    names_title: str = ""
    names_note: str = ""
    page_label: str = "%(number)s"
    labels: dict = field(default_factory=dict)  # words the renderer needs


class PackagePDF(FPDF):
    def __init__(self, cover: Cover):
        super().__init__(format="A4")
        self.cover = cover
        self.rtl = cover.language in {"fa", "ps"}
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.add_font("Vazirmatn", "", str(FONTS / "Vazirmatn-Regular.ttf"))
        self.add_font("Vazirmatn", "B", str(FONTS / "Vazirmatn-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_title(cover.title)
        self.set_lang(cover.language)
        self.set_creator("Hamsada")

    def footer(self):
        self.set_y(-MARGIN)
        self.set_font("Vazirmatn", "", 8)
        self.set_text_color(90)
        number = localize_digits(self.page_no(), self.cover.language)
        self.cell(0, 5, self.cover.page_label % {"number": number}, align="C")
        self.set_text_color(0)

    @property
    def width(self):
        return self.w - 2 * MARGIN

    def align(self, text=None):
        """Right for right-to-left text (or pages), left for the rest."""
        if text is None:
            return "R" if self.rtl else "L"
        return "R" if direction(text, "rtl" if self.rtl else "ltr") == "rtl" else "L"

    def paragraph(self, text, size=11, style="", height=LINE):
        self.set_font("Vazirmatn", style, size)
        self.multi_cell(self.width, height, text, align=self.align(text), new_x="LMARGIN")

    def pairs(self, rows, size=10.5):
        """Label and value side by side, the label on the reading side."""
        label_width = self.width * 0.42
        for label, value in rows:
            self.set_font("Vazirmatn", "B", size)
            y = self.get_y()
            first_x = self.l_margin + (self.width - label_width if self.rtl else 0)
            other_x = self.l_margin + (0 if self.rtl else label_width)
            self.set_xy(first_x, y)
            self.multi_cell(label_width, LINE, label, align=self.align(), new_x="LMARGIN")
            after_label = self.get_y()
            self.set_font("Vazirmatn", "", size)
            self.set_xy(other_x, y)
            self.multi_cell(
                self.width - label_width, LINE, value, align=self.align(value), new_x="LMARGIN"
            )
            self.set_y(max(after_label, self.get_y()) + 1)

    def chart(self, bars, height=40):
        """Acts over time as bars, the first period on the reading side."""
        if not bars:
            return
        top = max(count for _label, count in bars) or 1
        self.ln(2)
        x0, y0 = self.l_margin, self.get_y()
        step = self.width / len(bars)
        self.set_fill_color(11, 92, 74)
        for index, (_label, count) in enumerate(bars):
            place = len(bars) - 1 - index if self.rtl else index
            bar = height * count / top
            width = min(step * 0.8, 8)
            left = x0 + place * step + (step - width) / 2
            self.rect(left, y0 + height - bar, width, bar, "F")
        self.set_draw_color(120)
        self.line(x0, y0 + height, x0 + self.width, y0 + height)
        self.set_y(y0 + height + 1)
        self.set_font("Vazirmatn", "", 8)
        first, last = bars[0][0], bars[-1][0]
        self.cell(self.width / 2, 5, last if self.rtl else first, align="L")
        self.cell(self.width / 2, 5, first if self.rtl else last, align="R")
        self.ln(5)
        self.set_font("Vazirmatn", "", 8)
        most = self.cover.labels.get("most", "%(count)s") % {
            "count": localize_digits(f"{top:,}", self.cover.language)
        }
        self.cell(self.width, 5, most, align=self.align(most), new_x="LMARGIN", new_y="NEXT")

    def qr(self, link, size=32):
        code = segno.make(link, error="m")
        cells = len(code.matrix)
        unit = size / cells
        x0 = self.l_margin if self.rtl else self.l_margin + self.width - size
        y0 = self.get_y()
        self.set_fill_color(0)
        for row, values in enumerate(code.matrix):
            for column, dark in enumerate(values):
                if dark:
                    self.rect(x0 + column * unit, y0 + row * unit, unit, unit, "F")
        return x0, y0, size


def name_rows(pdf, columns):
    """Column x positions, mirrored on right-to-left pages."""
    x = pdf.l_margin
    placed = []
    for width in columns:
        placed.append((x, width))
        x += width
    if pdf.rtl:
        placed = [(2 * pdf.l_margin + pdf.width - x - width, width) for x, width in placed]
    return placed


def render(cover: Cover, names=(), progress=None, every=1000):
    """The PDF as bytes. names: (number, name, detail, country, date) rows, drawn
    as they come; progress(count) is called every `every` names."""
    pdf = PackagePDF(cover)
    pdf.add_page()
    pdf.set_font("Vazirmatn", "", 10)
    pdf.set_text_color(90)
    pdf.cell(pdf.width, LINE, cover.heading, align=pdf.align(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.paragraph(cover.title, size=18, style="B", height=10)
    pdf.ln(2)
    pdf.pairs(cover.lines)
    if cover.demands:
        pdf.ln(2)
        pdf.paragraph(cover.labels.get("demands", ""), size=12, style="B")
        for number, demand in enumerate(cover.demands, start=1):
            pdf.paragraph(f"{localize_digits(number, cover.language)}. {demand}", size=10.5)
    if cover.countries:
        pdf.ln(2)
        pdf.paragraph(cover.labels.get("countries", ""), size=12, style="B")
        pdf.pairs(cover.countries, size=9.5)
    if cover.chart:
        pdf.ln(2)
        pdf.paragraph(cover.chart_title, size=12, style="B")
        pdf.chart(cover.chart)
    pdf.add_page()
    pdf.paragraph(cover.proof_title, size=12, style="B")
    pdf.pairs(cover.proof, size=8.5)
    if cover.link:
        pdf.ln(2)
        _x, y0, size = pdf.qr(cover.link)
        pdf.set_y(y0)
        pdf.set_font("Vazirmatn", "", 9.5)
        block = pdf.width - size - 5
        pdf.set_x(pdf.l_margin + (size + 5 if pdf.rtl else 0))
        pdf.multi_cell(block, LINE, cover.link_label, align=pdf.align(), new_x="LMARGIN")
        pdf.set_x(pdf.l_margin + (size + 5 if pdf.rtl else 0))
        pdf.multi_cell(block, LINE, cover.link, align="L", new_x="LMARGIN")
        pdf.set_y(max(pdf.get_y(), y0 + size) + 3)
    drawn = 0
    columns = name_rows(pdf, [16, pdf.width * 0.5 - 16, pdf.width * 0.3, pdf.width * 0.2])
    for row in names:
        if drawn == 0:
            pdf.add_page()
            pdf.paragraph(cover.names_title, size=12, style="B")
            if cover.names_note:
                pdf.paragraph(cover.names_note, size=9)
            pdf.ln(1)
        if pdf.will_page_break(LINE):
            pdf.add_page()
        y = pdf.get_y()
        number, name, detail, country, day = row
        text = f"{name} — {detail}" if detail else name
        values = (localize_digits(number, cover.language), text, country, day)
        for (x, width), value, size in zip(columns, values, (8, 9.5, 8.5, 8), strict=True):
            pdf.set_xy(x, y)
            pdf.set_font("Vazirmatn", "", size)
            if len(value) > width / 2.2:  # only long texts are measured: shaping costs
                while size > 5.5 and pdf.get_string_width(value) > width - 1:
                    size -= 0.5
                    pdf.set_font("Vazirmatn", "", size)
            pdf.cell(width, LINE, value, align=pdf.align())
        pdf.set_y(y + LINE)
        drawn += 1
        if progress and drawn % every == 0:
            progress(drawn)
    if progress:
        progress(drawn)
    return bytes(pdf.output())
