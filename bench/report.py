"""Prints the README's Performance and Reliability tables from bench/results/*.json."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ["sign", "confirm", "read", "spike", "durability"]


def load(pattern):
    return [json.loads(path.read_text()) for path in sorted(RESULTS.glob(pattern))]


def performance():
    rows = [
        "| scenario | backend | throughput /s | floor /s | ratio | p50 ms | p95 ms | p99 ms "
        "| errors | checks |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    results = sorted(
        load("[a-z]*-*.json"),
        key=lambda r: (
            SCENARIOS.index(r["scenario"]) if r.get("scenario") in SCENARIOS else 9,
            r["backend"],
        ),
    )
    for r in results:
        if "scenario" not in r:
            continue
        checks = "recount ok" if r.get("recount_check") else "RECOUNT FAILED"
        if "acknowledged" in r:
            checks += f", {r['acknowledged_and_stored']}/{r['acknowledged']} acknowledged stored"
        if "page_and_post_throughput" in r:
            checks += (
                f", page and POST {r['page_and_post_throughput']}/s "
                f"({r['page_and_post_ratio_to_floor']}× floor)"
            )
        if "normal_throughput" in r:
            checks += (
                f", NORMAL {r['normal_throughput']}/s: FULL costs "
                f"{r['full_cost_ms_per_sign']} ms per sign"
            )
        if "count_p99_ratio_largest_to_smallest" in r:
            checks += f", count p99 largest/smallest {r['count_p99_ratio_largest_to_smallest']}"
        rows.append(
            f"| {r['scenario']} | {r['backend']} | {r['throughput']} | {r['floor_throughput']} "
            f"| {r['ratio_to_floor']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
            f"| {r['errors']} | {checks} |"
        )
    commands = sorted(
        {f"`{r['command']}` ({r['date'][:10]}, {r['machine']})" for r in results if "scenario" in r}
    )
    return "\n".join(rows) + "\n\nProduced by: " + "; ".join(commands)


def reliability():
    rows = [
        "| test | backend | fault | acknowledged signs (missing) | acknowledged "
        "confirmations (uncounted) | recount | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in load("faults-*.json"):
        fault = {
            "kill": f"kill -9 ×{sum(r.get('kills', {}).values())} ({r.get('kills')})",
            "smtp": f"SMTP down {r.get('outage_seconds')} s, queue peaked at "
            f"{r.get('queued_during_outage_max')}",
            "postgres": f"PostgreSQL stopped {r.get('down_seconds')} s; statuses "
            f"{r.get('statuses_seen')}",
            "two-servers": "two app servers + two workers on one PostgreSQL",
        }[r["test"]]
        rows.append(
            f"| {r['test']} | {r['backend']} | {fault} | {r['signs_acknowledged']} "
            f"({r['signs_acknowledged_but_missing']}) | {r['confirmations_acknowledged']} "
            f"({r['confirmations_acknowledged_but_not_counted']}) | "
            f"{'ok' if r['recount_check'] else 'FAILED'} | {r['verdict']} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print(performance())
    print()
    print(reliability())
