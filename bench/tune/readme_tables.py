"""Markdown tables for the README's "Choosing a memory size" from `onnxfn tune --json` reports.

    .venv/bin/python bench/tune/readme_tables.py REPORT.json [REPORT.json ...]
"""
import json
import sys


def sweep_table(sweep):
    rec = sweep["recommendations"]
    lines = [f"**{sweep['name']}** ({sweep['predictions_per_invocation']:,} predictions per invocation, method `{sweep['method']}`)", "",
             "| MB | vCPU share | measured ms | CPU ms | CPU-bound ms | peak RSS MB | billed ms | $ per million predictions | |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in sweep["sizes"]:
        marks = [k for k in ("cost", "speed", "balanced") if rec[k] == s["memory_mb"]]
        note = "fails: peak RSS over the size" if not s["fits"] else ", ".join(marks)
        if s["capped"]:
            note += ("; " if note else "") + "capped at 2 CPUs"
        cost = f"{s['cost_per_million_predictions']:.6f}" if s["fits"] else "-"
        billed = f"{s['billed_ms']:,}" if s["fits"] else "-"
        lines.append(f"| {s['memory_mb']:,} | {s['cpu_share']:.2f} | {s['measured_ms']:,.0f} | {s['cpu_ms']:,.0f} | {s['cpu_bound_ms']:,.0f} | "
                     f"{s['peak_rss_mb']:.0f} | {billed} | {cost} | {note} |")
    lines.append("")
    lines.append("Recommended: " + ", ".join(f"{k} **{rec[k]:,} MB**" if rec[k] else f"{k}: none" for k in ("cost", "speed", "balanced")))
    return "\n".join(lines)


def main():
    for path in sys.argv[1:]:
        r = json.load(open(path))
        print(f"<!-- {path}: {r['arch']}, {r['runs']} warm runs, duration basis {r['duration_basis']}, load {r['machine']['load']} -->")
        print(sweep_table(r["function"]))
        print()
        if r["compare"]:
            print(sweep_table(r["compare"]))
            print()
        if r["cost_ratio"]:
            print(f"cost ratio at each one's cheapest size: {r['cost_ratio']:.2f}x")
            print()


if __name__ == "__main__":
    main()
