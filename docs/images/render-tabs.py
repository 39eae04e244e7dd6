#!/usr/bin/python3
"""Render the first screen of each of mrrbot's tabs of a workbook as a PNG.

Usage: render-tabs.py WORKBOOK OUTDIR

This is what docs/images/render runs; see there. It opens the workbook
in LibreOffice (headless, with a profile of its own, so it never touches
another LibreOffice that runs), and for each tab named in TABS prints the
part a person sees on opening it on a laptop: the grid's top left corner,
SCREEN_WIDTH by SCREEN_HEIGHT pixels at 100 %, with the row numbers, the
column letters and light grey grid lines, and the charts that stand there.
Each tab becomes one page of OUTDIR/tabs.pdf; pdftoppm then turns each
page into OUTDIR/<file>.png, cut to the screen's size.

Only the rendering copy is changed (page styles, print ranges, borders);
the workbook on disk is not saved.
"""

import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import BorderLine2, CellRangeAddress

# The tabs to picture, by title, and the file each becomes.
TABS = [
    ("MRR Summary", "tab-summary"),
    ("MRR Chart", "tab-chart"),
    ("MRR Movements", "tab-movements"),
    ("Data Issues", "tab-issues"),
    ("MRR Cohorts", "tab-cohorts"),
    ("MRR by Segment", "tab-segments"),
]

# A laptop's browser shows about this much of a spreadsheet's grid, in
# screen pixels, row numbers and column letters included.
SCREEN_WIDTH = 1280
SCREEN_HEIGHT = 600
DPI = 96

HMM_PER_PX = 2540.0 / DPI  # LibreOffice lengths are in 1/100 mm
GRID_GREY = 0xE2E3E3  # the colour of a spreadsheet's grid lines


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start_office(profile):
    pipe = "mrrbot_render_%d" % os.getpid()
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                sys.exit("render-tabs: LibreOffice did not start")
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop


def screen_range(sheet):
    """The cells a screen shows from the top left corner: enough columns and
    rows to fill it."""
    cols, width = 0, 0
    while width < SCREEN_WIDTH * HMM_PER_PX and cols < 1000:
        width += sheet.Columns.getByIndex(cols).Width
        cols += 1
    rows, height = 0, 0
    while height < SCREEN_HEIGHT * HMM_PER_PX and rows < 10000:
        height += sheet.Rows.getByIndex(rows).Height
        rows += 1
    return cols, rows, width, height


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    workbook, outdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="mrrbot-render-") as profile:
        proc, desktop = start_office(profile)
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(workbook), "_blank", 0, (prop("Hidden", True),))
            sheets = doc.Sheets
            styles = doc.StyleFamilies.getByName("PageStyles")
            wanted = {title for title, _ in TABS}
            missing = wanted - set(sheets.ElementNames)
            if missing:
                sys.exit("render-tabs: %s has no tab %s" % (workbook, ", ".join(sorted(missing))))
            # Only the tabs to picture print, in the workbook's order: the
            # others leave the rendering copy (nothing refers to them).
            for name in sheets.ElementNames:
                if name not in wanted:
                    sheets.removeByName(name)
            order = []
            for i in range(sheets.Count):
                sheet = sheets.getByIndex(i)
                order.append(sheet.Name)
                cols, rows, width, height = screen_range(sheet)
                area = CellRangeAddress()
                area.Sheet, area.StartColumn, area.StartRow = i, 0, 0
                area.EndColumn, area.EndRow = cols - 1, rows - 1
                sheet.setPrintAreas((area,))
                # Light grey lines around every cell of the screen, as the
                # grid shows them (printed grid lines are black).
                grid = BorderLine2()
                grid.Color, grid.OuterLineWidth, grid.LineWidth = GRID_GREY, 9, 9
                cells = sheet.getCellRangeByPosition(0, 0, cols - 1, rows - 1)
                for side in ("TopBorder", "BottomBorder", "LeftBorder", "RightBorder"):
                    cells.setPropertyValue(side, grid)
                style = styles.getByName(sheet.PageStyle)
                style.PrintGrid = False
                style.PrintHeaders = True
                style.PrintCharts = True
                style.PrintDrawing = True
                style.ScaleToPagesX = 0
                style.ScaleToPagesY = 0
                style.PageScale = 100
                style.HeaderIsOn = False
                style.FooterIsOn = False
                style.LeftMargin = style.RightMargin = style.TopMargin = style.BottomMargin = 0
                style.IsLandscape = False
                # Room for the whole range and the row numbers and letters.
                style.Width = int(width + 300 * HMM_PER_PX)
                style.Height = int(height + 300 * HMM_PER_PX)
            pdf = os.path.join(outdir, "tabs.pdf")
            doc.storeToURL(uno.systemPathToFileUrl(pdf), (prop("FilterName", "calc_pdf_Export"),))
            doc.close(True)
        finally:
            try:
                desktop.terminate()
            except Exception:
                pass
            proc.wait(timeout=60)
    names = dict(TABS)
    for page, title in enumerate(order, start=1):
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(DPI), "-f", str(page), "-l", str(page),
                        "-x", "0", "-y", "0", "-W", str(SCREEN_WIDTH), "-H", str(SCREEN_HEIGHT),
                        pdf, os.path.join(outdir, names[title])], check=True)
        print("%s → %s.png" % (title, names[title]))


if __name__ == "__main__":
    main()
