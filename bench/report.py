#!/usr/bin/env python3
"""Turns one benchmark run's JSON files into a Markdown table and an SVG plot.

Usage: report.py OUT_DIR
Reads OUT_DIR/anytime-c{N}.json and, when present, OUT_DIR/rt-c{N}.json (the Request
Tracker peer's bench.py output) and OUT_DIR/meta.json; writes OUT_DIR/report.md and
OUT_DIR/throughput.svg. Standard library only.
"""
import glob
import json
import math
import os
import re
import sys

# Anytime operation -> the Request Tracker phase it is compared with.
RT_EQUIVALENT = {
    "create": "create",
    "get": "get",
    "list": "search",
    "listFilter": "search",
    "search": "search",
    "reply": "reply",
}
# Minimum Anytime/RT throughput ratios of issue 8.
RATIO_BUDGET = {"create": 100, "get": 50, "search": 20, "reply": 100}
ORDER = ["create", "get", "list", "listFilter", "search", "reply"]


def load(out, prefix):
    runs = {}
    for path in glob.glob(os.path.join(out, f"{prefix}-c*.json")):
        m = re.search(r"-c(\d+)\.json$", path)
        if not m:
            continue
        with open(path) as f:
            doc = json.load(f)
        runs[int(m.group(1))] = {p["op"]: p for p in doc["phases"]}
    return runs


def fmt(x, digits=1):
    if x is None:
        return "–"
    if isinstance(x, float) and x >= 100:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}" if isinstance(x, float) else str(x)


def table(anytime, rt):
    lines = [
        "| op | conc. | Anytime req/s | p50 ms | p99 ms | errors | RT op | RT req/s | RT p50 ms | RT p99 ms | Anytime/RT | budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for c in sorted(anytime):
        for op in ORDER:
            a = anytime[c].get(op)
            if not a:
                continue
            rop = RT_EQUIVALENT[op]
            r = rt.get(c, {}).get(rop)
            ratio = a["rps"] / r["rps"] if r and r["rps"] else None
            budget = RATIO_BUDGET.get(op)
            verdict = ""
            if budget and ratio is not None:
                verdict = f"≥ {budget}×: {'met' if ratio >= budget else 'MISSED'}"
            lines.append(
                f"| {op} | {c} | {fmt(a['rps'])} | {fmt(a['p50_ms'])} | {fmt(a['p99_ms'])} | {a['errors']} "
                f"| {rop if r else '–'} | {fmt(r['rps']) if r else '–'} | {fmt(r['p50_ms']) if r else '–'} "
                f"| {fmt(r['p99_ms']) if r else '–'} | {fmt(ratio) + '×' if ratio else '–'} | {verdict} |"
            )
    return "\n".join(lines)


COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def svg(anytime, rt):
    """Throughput (log scale) against concurrency; solid Anytime, dashed RT."""
    w, h, left, right, top, bottom = 760, 460, 70, 190, 30, 50
    concs = sorted(set(anytime) | set(rt))
    values = [p["rps"] for runs in (anytime, rt) for ops in runs.values() for p in ops.values() if p["rps"] > 0]
    if not concs or not values:
        return "<svg xmlns='http://www.w3.org/2000/svg'/>"
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))

    def x(c):
        if len(concs) == 1:
            return left + (w - left - right) / 2
        return left + (concs.index(c)) * (w - left - right) / (len(concs) - 1)

    def y(v):
        return top + (h - top - bottom) * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' font-family='sans-serif' font-size='12'>",
           f"<rect width='{w}' height='{h}' fill='white'/>",
           f"<text x='{w/2 - 90}' y='18' font-size='14'>Throughput vs concurrency (log scale)</text>"]
    e = math.log10(lo)
    while e <= math.log10(hi) + 1e-9:
        v = 10 ** e
        out.append(f"<line x1='{left}' x2='{w-right}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='#ddd'/>")
        out.append(f"<text x='{left-8}' y='{y(v)+4:.1f}' text-anchor='end'>{v:,.0f}</text>")
        e += 1
    for c in concs:
        out.append(f"<text x='{x(c):.1f}' y='{h-bottom+18}' text-anchor='middle'>{c}</text>")
    out.append(f"<text x='{(left + w - right)/2:.0f}' y='{h-12}' text-anchor='middle'>concurrent clients</text>")
    out.append(f"<text x='16' y='{h/2:.0f}' transform='rotate(-90 16 {h/2:.0f})' text-anchor='middle'>requests/s</text>")
    legend_y = top + 10
    series = [(f"Anytime {op}", anytime, op, "") for op in ORDER] + \
             [(f"RT {op}", rt, op, "6,4") for op in ["create", "get", "search", "reply"]]
    color_of = {op: COLORS[i % len(COLORS)] for i, op in enumerate(ORDER)}
    for label, runs, op, dash in series:
        pts = [(c, runs[c][op]["rps"]) for c in sorted(runs) if op in runs[c] and runs[c][op]["rps"] > 0]
        if not pts:
            continue
        color = color_of[op]
        path = " ".join(f"{x(c):.1f},{y(v):.1f}" for c, v in pts)
        out.append(f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2' stroke-dasharray='{dash}'/>")
        for c, v in pts:
            out.append(f"<circle cx='{x(c):.1f}' cy='{y(v):.1f}' r='3' fill='{color}'/>")
        out.append(f"<line x1='{w-right+15}' x2='{w-right+40}' y1='{legend_y}' y2='{legend_y}' stroke='{color}' stroke-width='2' stroke-dasharray='{dash}'/>")
        out.append(f"<text x='{w-right+45}' y='{legend_y+4}'>{label}</text>")
        legend_y += 18
    out.append("</svg>")
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = sys.argv[1]
    anytime, rt = load(out, "anytime"), load(out, "rt")
    if not anytime:
        raise SystemExit(f"no anytime-c*.json in {out}")
    meta = {}
    if os.path.exists(os.path.join(out, "meta.json")):
        with open(os.path.join(out, "meta.json")) as f:
            meta = json.load(f)
    md = ["# Benchmark run", ""]
    for k, v in meta.items():
        md.append(f"- {k}: {v}")
    md += ["", table(anytime, rt), "",
           "RT has no separate list or keyword-search endpoint: `list`, `listFilter` and `search` are "
           "compared with RT's REST 2 TicketSQL search phase (4 query shapes in rotation).", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(out, "throughput.svg"), "w") as f:
        f.write(svg(anytime, rt))
    print("\n".join(md))


if __name__ == "__main__":
    main()
