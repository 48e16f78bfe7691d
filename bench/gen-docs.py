#!/usr/bin/env python3
"""Generate realistic software design documents for benchmarking threatgate.

    bench/gen-docs.py N OUTDIR [--seed SEED]

Writes N Markdown design docs named NNNN-<slug>.sdd.md into OUTDIR, each
200-600 lines: YAML front matter, prose, tables, lists, code blocks, and a
threat model in one of the three forms threatgate reads (a table, one
bullet per threat with nested fields, or bullets grouped under STRIDE
sub-headings). Most docs pass the default policy; a realistic share carries
the usual mistakes (a threat without priority or mitigation, an unchecked
sign-off, a stale review date, no DRI).

The output depends only on the seed and the document number: doc 17 is the
same whether 20 or 2,000 are generated. Python standard library only.
"""

import argparse
import os
import random
import sys
import textwrap

MIN_LINES = 200
MAX_LINES = 600

TEAMS = ["payments", "identity", "search", "growth", "platform", "data",
         "notifications", "billing", "storage", "mobile", "ads", "support",
         "risk", "catalog", "messaging", "infra"]
NOUNS = ["webhook receiver", "session store", "export pipeline", "rate limiter",
         "feature flag service", "invoice generator", "search indexer",
         "notification fan-out", "audit trail", "image resizer", "token broker",
         "report scheduler", "document store", "event bus bridge",
         "recommendation cache", "account linker", "address validator",
         "consent ledger", "quota manager", "batch importer", "backup verifier",
         "secrets syncer", "metrics gateway", "tenant router", "geo lookup"]
ADJECTIVES = ["multi-region", "tenant-aware", "incremental", "asynchronous",
              "self-serve", "versioned", "streaming", "idempotent", "sharded",
              "read-optimized", "zero-downtime", "rate-limited"]
PEOPLE = ["jane.doe", "omar.haddad", "li.wei", "priya.nair", "tom.becker",
          "sara.lindqvist", "dev.patel", "marco.rossi", "hana.sato",
          "ben.okafor", "nadia.karimi", "sam.cho", "ana.silva", "ivan.petrov",
          "fatima.zahra", "lucas.martin", "emma.jones", "kenji.ito"]
REVIEWERS = ["@alice", "@bruno", "@chen", "@dana"]
STORES = ["Postgres", "Redis", "S3", "Kafka", "BigQuery", "DynamoDB",
          "Elasticsearch", "Cloud Spanner", "SQLite on local disk"]
LANGS = ["Go", "Java", "Kotlin", "Rust", "Python", "TypeScript"]

SUBJECTS = [
    "The {noun}", "Each replica of the {noun}", "The {adj} {noun}",
    "Our current {noun}", "The new {noun}", "A background worker",
    "The {team} team", "The scheduler", "The ingestion path",
    "Every client library", "The control plane", "The on-call engineer",
]
VERBS = [
    "reads events from {store} and writes them back in batches of {n}",
    "keeps a bounded queue of at most {n} items per tenant",
    "retries failed calls with exponential backoff and jitter, up to {m} times",
    "exposes a single gRPC method and a health endpoint",
    "stores a checkpoint in {store} after every batch",
    "refuses requests larger than {n} KiB before parsing them",
    "emits one metric per outcome so that dashboards stay cheap",
    "runs in {m} zones with two replicas each",
    "drains its work queue before a deploy replaces it",
    "caches responses for {m} minutes, keyed by tenant and locale",
    "compacts old records every night at a quiet hour",
    "signs every outgoing message and verifies every incoming one",
    "degrades to a read-only mode when {store} is unavailable",
    "is owned by the {team} team and paged through their rotation",
    "publishes a change event that the {noun} consumes",
]
TAILS = [
    "", "", "", " without holding locks across network calls",
    " so that a slow dependency cannot stall the whole fleet",
    ", which keeps the p99 latency under {m}0 ms",
    " as the previous design review recommended",
    " because the old behaviour caused two incidents last quarter",
    "; the load test showed {n} requests per second per core",
    ", which is what the product team asked for",
]

# Threat banks per STRIDE category: (threat, mitigation).
THREATS = {
    "Spoofing": [
        ("A forged request impersonates a trusted internal caller",
         "mTLS with service identities checked against an allow-list"),
        ("A stolen session token is replayed from another device",
         "tokens bound to the device key and revoked on password change"),
        ("An attacker registers a look-alike callback URL",
         "callback hosts must be verified by a DNS TXT record"),
        ("Webhook calls are forged by someone who learned the endpoint",
         "HMAC signature over timestamp and body, checked before parsing"),
        ("A partner key leaked in a public repository is used",
         "keys are scoped per partner, rotated quarterly and scanned for"),
    ],
    "Tampering": [
        ("Records are modified in transit between regions",
         "TLS 1.3 between regions and per-record checksums verified on read"),
        ("A replayed message applies the same change twice",
         "idempotency keys stored for seven days"),
        ("Configuration is changed outside the review process",
         "configuration lives in git and is applied only by the deploy pipeline"),
        ("An export file is altered after delivery",
         "signed manifest with a SHA-256 digest per file"),
        ("Cache entries are poisoned through an unkeyed header",
         "cache key built from normalized path and tenant only"),
    ],
    "Repudiation": [
        ("An operator denies having run a destructive maintenance task",
         "every task run is recorded in the audit log with the operator id"),
        ("A tenant disputes a billing change made through the API",
         "API changes carry the token id and are kept for 13 months"),
        ("Nobody can tell which deploy changed a rate limit",
         "limits are versioned and every change links to its pull request"),
    ],
    "Information disclosure": [
        ("Personal data appears in application logs",
         "structured logging with an allow-list of fields"),
        ("One tenant's records are returned to another tenant",
         "tenant id enforced by row-level security and checked in tests"),
        ("Backups are readable by too many engineers",
         "backups encrypted with a key only the restore role can use"),
        ("Error messages reveal internal hostnames",
         "errors mapped to stable public codes at the edge"),
        ("Debug endpoints stay enabled in production",
         "debug handlers compiled out of release builds"),
    ],
    "Denial of service": [
        ("A burst of requests exhausts worker threads",
         "per-client token bucket and a bounded work queue"),
        ("Large payloads make the parser allocate unbounded memory",
         "request size capped at the edge and streaming parser"),
        ("A slow dependency backs up every request",
         "timeouts of one second and a circuit breaker per dependency"),
        ("A single tenant's batch job starves everyone else",
         "per-tenant concurrency limits and fair queueing"),
    ],
    "Elevation of privilege": [
        ("A compromised worker uses its database role to read every table",
         "role limited to the two tables it needs"),
        ("A regular user reaches an admin-only route",
         "authorization checked in one middleware with deny by default"),
        ("Deserialization of untrusted input runs attacker code",
         "only JSON with a schema, no polymorphic types"),
        ("A build script pulls an unpinned dependency",
         "dependencies pinned by hash and mirrored internally"),
    ],
}
CATEGORIES = list(THREATS)
LETTERS = {"Spoofing": "S", "Tampering": "T", "Repudiation": "R",
           "Information disclosure": "I", "Denial of service": "D",
           "Elevation of privilege": "E"}
STATUSES = ["mitigated", "mitigated", "mitigated", "in-progress", "open",
            "transferred"]
PRIORITY_WORDS = {1: "critical", 2: "high", 3: "medium", 4: "low",
                  5: "informational"}


class Doc:
    def __init__(self, rng):
        self.rng = rng
        self.lines = []

    def add(self, *lines):
        self.lines.extend(lines)

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def para(self, text, width=76):
        self.blank()
        self.lines.extend(textwrap.wrap(text, width=width))
        self.lines.append("")


def fill(rng, template, ctx):
    return template.format(
        noun=ctx["noun"], adj=rng.choice(ADJECTIVES), team=ctx["team"],
        store=rng.choice(STORES), n=rng.choice([64, 100, 256, 500, 1000]),
        m=rng.choice([2, 3, 5, 10]))


def sentence(rng, ctx):
    s = fill(rng, rng.choice(SUBJECTS), ctx) + " " + \
        fill(rng, rng.choice(VERBS), ctx) + fill(rng, rng.choice(TAILS), ctx)
    return s[0].upper() + s[1:] + "."


def prose(rng, ctx, sentences):
    return " ".join(sentence(rng, ctx) for _ in range(sentences))


def front_matter(d, rng, ctx, mistakes):
    d.add("---")
    d.add("title: " + ctx["title"])
    if "no-dri" not in mistakes:
        name = ctx["dri"].replace(".", " ").title()
        d.add("dri: %s <%s@example.com>" % (name, ctx["dri"]))
    d.add("participants: [%s]" % ", ".join(ctx["participants"]))
    d.add("status: " + rng.choice(["draft", "in-review", "approved",
                                    "approved"]))
    if "stale" in mistakes:
        d.add("threat-model-reviewed: 2025-%02d-%02d" % (
            rng.randint(1, 12), rng.randint(1, 28)))
    else:
        d.add("threat-model-reviewed: 2026-%02d-%02d" % (
            rng.randint(4, 11), rng.randint(1, 26)))
    d.add("covers: [services/%s/**]" % ctx["slug"])
    d.add("exposure: " + ctx["exposure"])
    d.add("data-classification: [%s]" % ", ".join(ctx["classes"]))
    d.add("---", "")


def code_block(d, rng, ctx):
    kind = rng.choice(["yaml", "json", "sql", "text", "go"])
    d.blank()
    d.add("```" + kind)
    if kind == "yaml":
        d.add("service: %s" % ctx["slug"], "replicas: %d" % rng.randint(2, 9),
              "limits:", "  cpu: %dm" % rng.choice([250, 500, 1000]),
              "  memory: %dMi" % rng.choice([256, 512, 1024]),
              "queues:")
        for i in range(rng.randint(2, 6)):
            d.add("  - name: %s-%d" % (ctx["slug"], i),
                  "    max_in_flight: %d" % rng.choice([8, 16, 64]))
    elif kind == "json":
        d.add("{", '  "id": "evt_%08x",' % rng.getrandbits(32),
              '  "type": "%s.updated",' % ctx["slug"],
              '  "tenant": "t_%04d",' % rng.randint(1, 9999),
              '  "attributes": {')
        for i in range(rng.randint(2, 6)):
            d.add('    "field_%d": %d,' % (i, rng.randint(0, 999)))
        d.add('    "final": true', "  }", "}")
    elif kind == "sql":
        d.add("CREATE TABLE %s_items (" % ctx["slug"].replace("-", "_"),
              "  id          uuid PRIMARY KEY,",
              "  tenant_id   bigint NOT NULL,",
              "  created_at  timestamptz NOT NULL DEFAULT now(),")
        for i in range(rng.randint(1, 5)):
            d.add("  attr_%d      text," % i)
        d.add("  state       text NOT NULL", ");",
              "CREATE INDEX ON %s_items (tenant_id, created_at);"
              % ctx["slug"].replace("-", "_"))
    elif kind == "go":
        d.add("func (s *Server) Handle(ctx context.Context, req *Request) error {",
              "\tif err := s.verify(req); err != nil {",
              "\t\treturn status.Error(codes.Unauthenticated, \"bad signature\")",
              "\t}",
              "\treturn s.store.Put(ctx, req.ID, req.Body)",
              "}")
    else:
        d.add("client -> edge -> %s -> %s" % (ctx["slug"], rng.choice(STORES)),
              "                   \\-> audit log",
              "worker <- queue <- %s" % ctx["slug"])
    d.add("```", "")


def table(d, rng, header, rows):
    d.blank()
    d.add("| " + " | ".join(header) + " |")
    d.add("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        d.add("| " + " | ".join(r) + " |")
    d.add("")


def make_threats(rng, count, mistakes):
    cats = list(CATEGORIES)
    rng.shuffle(cats)
    chosen = []
    for i in range(count):
        # Cover every category first, then draw at random.
        cat = cats[i] if i < len(cats) else rng.choice(CATEGORIES)
        title, mitigation = rng.choice(THREATS[cat])
        prio = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
        status = "mitigated" if prio <= 2 else rng.choice(STATUSES)
        chosen.append({"id": "T%d" % (i + 1), "cat": cat, "title": title,
                       "mitigation": mitigation, "prio": prio,
                       "status": status, "owner": "@" + rng.choice(PEOPLE)})
    if "no-priority" in mistakes:
        rng.choice(chosen)["prio"] = None
    if "no-mitigation" in mistakes:
        t = rng.choice(chosen)
        t["mitigation"] = None
        t["status"] = "open"
    return chosen


def threat_table(d, rng, threats):
    rows = []
    for t in threats:
        cat = t["cat"] if rng.random() < 0.7 else LETTERS[t["cat"]]
        rows.append([t["id"], t["title"], cat,
                     "P%d" % t["prio"] if t["prio"] else "",
                     t["mitigation"] or "", t["status"], t["owner"]])
    table(d, rng, ["ID", "Threat", "STRIDE", "Priority", "Mitigation",
                   "Status", "Owner"], rows)


def threat_list(d, rng, threats):
    d.blank()
    for t in threats:
        d.add("- %s: %s" % (t["id"], t["title"]))
        d.add("  - Category: " + t["cat"])
        if t["prio"]:
            d.add("  - Priority: " + (PRIORITY_WORDS[t["prio"]]
                                      if rng.random() < 0.3
                                      else "P%d" % t["prio"]))
        if t["mitigation"]:
            d.add("  - Mitigation: " + t["mitigation"])
        d.add("  - Status: " + t["status"])
        d.add("  - Owner: " + t["owner"])
    d.add("")


def threat_groups(d, rng, threats):
    for cat in CATEGORIES:
        d.blank()
        d.add("#### " + cat, "")
        mine = [t for t in threats if t["cat"] == cat]
        if not mine:
            d.add("Not applicable: the %s has no path for this in scope."
                  % rng.choice(NOUNS), "")
            continue
        for t in mine:
            prio = " (P%d)" % t["prio"] if t["prio"] else ""
            d.add("- %s: %s%s." % (t["id"], t["title"], prio))
            if t["mitigation"]:
                d.add("  Mitigation: %s." % t["mitigation"])
            d.add("  Status: " + t["status"])
        d.add("")


def signoff(d, rng, mistakes):
    reviewer = rng.choice(REVIEWERS)
    date = "2026-%02d-%02d" % (rng.randint(5, 11), rng.randint(1, 26))
    d.blank()
    d.add("### " + rng.choice(["Security Sign-off", "Security Sign-off",
                                "Sign-off", "Approvals"]), "")
    form = rng.choice(["task", "task", "trailer", "table"])
    if "unchecked" in mistakes:
        d.add("- [ ] Security review: %s" % reviewer, "")
        return
    if form == "task":
        d.add("- [x] Security review: %s (%s)" % (reviewer, date), "")
    elif form == "trailer":
        d.add("Security-Approved-by: %s <%s@example.com> (%s)"
              % (reviewer[1:].title(), reviewer[1:], date), "")
    else:
        table(d, rng, ["Reviewer", "Reviewed at", "Outcome"],
              [[reviewer, "2026-04-02", "changes requested"],
               [reviewer, date, "approved"]])


def generate(number, seed):
    rng = random.Random(seed * 1000003 + number)
    team = rng.choice(TEAMS)
    noun = rng.choice(NOUNS)
    adj = rng.choice(ADJECTIVES)
    title = "%s %s for %s" % (adj.capitalize(), noun, team)
    slug = "%s-%s" % (team, noun.replace(" ", "-"))
    people = rng.sample(PEOPLE, rng.randint(2, 6))
    ctx = {"team": team, "noun": noun, "title": title, "slug": slug,
           "dri": people[0], "participants": people,
           "exposure": rng.choice(["internal", "internal", "partner",
                                   "internet"]),
           "classes": rng.sample(["internal", "confidential", "pii",
                                  "public"], rng.randint(1, 2))}
    mistakes = set()
    for m, p in (("no-priority", 0.08), ("no-mitigation", 0.08),
                 ("unchecked", 0.06), ("stale", 0.07), ("no-dri", 0.05)):
        if rng.random() < p:
            mistakes.add(m)

    target = rng.randint(MIN_LINES + 20, MAX_LINES - 60)
    d = Doc(rng)
    front_matter(d, rng, ctx, mistakes)
    d.add("# " + title, "")
    d.add("## Overview")
    for _ in range(rng.randint(2, 4)):
        d.para(prose(rng, ctx, rng.randint(3, 6)))

    d.add("## Goals and Non-goals", "", "### Goals", "")
    for _ in range(rng.randint(3, 6)):
        d.add("- " + sentence(rng, ctx))
    d.add("", "### Non-goals", "")
    for _ in range(rng.randint(2, 4)):
        d.add("- " + sentence(rng, ctx))
    d.add("")

    d.add("## Design", "", "### Architecture")
    d.para(prose(rng, ctx, rng.randint(4, 7)))
    code_block(d, rng, ctx)
    d.para(prose(rng, ctx, rng.randint(3, 6)))
    d.add("### Data Model")
    d.para(prose(rng, ctx, 3))
    table(d, rng, ["Field", "Type", "Notes"],
          [["field_%d" % i, rng.choice(["uuid", "text", "bigint",
                                        "timestamptz", "jsonb"]),
            sentence(rng, ctx)[:60]] for i in range(rng.randint(4, 10))])
    code_block(d, rng, ctx)
    d.add("### Interfaces", "")
    for _ in range(rng.randint(2, 5)):
        d.add("1. `%s /v%d/%s/%s` %s" % (
            rng.choice(["GET", "POST", "PUT", "DELETE"]), rng.randint(1, 3),
            slug, rng.choice(["items", "runs", "jobs", "events"]),
            sentence(rng, ctx)))
    d.add("")
    d.add("### Rollout")
    d.para(prose(rng, ctx, rng.randint(3, 5)))

    d.add("## Alternatives Considered", "")
    for _ in range(rng.randint(2, 4)):
        d.add("- **%s.** %s" % (rng.choice(
            ["Do nothing", "Buy a managed service", "Extend the monolith",
             "Use a cron job", "Use a queue instead", "Poll instead of push"]),
            prose(rng, ctx, 2)))
    d.add("")

    d.add("## " + rng.choice(["Security", "Security", "Security Considerations",
                              "Security and Privacy"]))
    d.para(prose(rng, ctx, rng.randint(2, 4)))
    d.add("### Assets and Data Classification")
    table(d, rng, ["Asset", "Classification", "Notes"],
          [["%s %s" % (noun.capitalize(), w), rng.choice(
              ["internal", "confidential", "restricted", "public"]),
            sentence(rng, ctx)[:70]] for w in rng.sample(
              ["records", "credentials", "backups", "logs", "exports",
               "configuration", "keys"], rng.randint(2, 5))])
    d.add("### Trust Boundaries and Data Flow", "")
    for i in range(rng.randint(3, 6)):
        d.add("%d. %s" % (i + 1, sentence(rng, ctx)))
    d.add("")

    d.add("### " + rng.choice(["Threat Model", "Threat Model", "Threats",
                               "Risks and Mitigations"]))
    d.para("Scope covers the %s and its stores; the threats below were "
           "walked through with the whole team." % noun)
    threats = make_threats(rng, rng.randint(6, 18), mistakes)
    form = rng.choice(["table", "table", "list", "groups"])
    if form == "table":
        threat_table(d, rng, threats)
    elif form == "list":
        threat_list(d, rng, threats)
    else:
        threat_groups(d, rng, threats)
    d.blank()
    d.add("#### Top Risks", "")
    for i, t in enumerate(sorted(threats, key=lambda t: t["prio"] or 9)[:3]):
        d.add("%d. %s, %s" % (i + 1, t["id"], t["title"].lower()))
    d.add("")
    signoff(d, rng, mistakes)

    d.add("## Operations", "")
    table(d, rng, ["Alert", "Threshold", "Runbook"],
          [["%s %s" % (slug, a), rng.choice(["> 5 %", "> 2 s", "> 10 min",
                                             "any"]),
            "runbooks/%s/%s.md" % (slug, a.replace(" ", "-"))]
           for a in rng.sample(["error rate", "latency", "queue age",
                                "disk usage", "restarts", "lag"], 4)])
    # Grow the doc to its target length with appendix material.
    appendix = 0
    while len(d.lines) < target - 12:
        if appendix == 0:
            d.add("## Appendix", "")
        appendix += 1
        d.add("### Note %d" % appendix)
        d.para(prose(rng, ctx, rng.randint(3, 6)))
        if rng.random() < 0.3:
            code_block(d, rng, ctx)
    d.add("## Open Questions", "")
    for _ in range(rng.randint(2, 3)):
        d.add("- " + sentence(rng, ctx))
    d.add("", "## References", "",
          "- %s-%d: tracking ticket" % (team.upper(), rng.randint(100, 9999)),
          "- Runbook for the %s" % noun)
    lines = d.lines[:MAX_LINES]
    return slug, "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int, help="how many documents")
    ap.add_argument("outdir", help="where to write them (created)")
    ap.add_argument("--seed", type=int, default=20261127,
                    help="random seed (default: %(default)s)")
    args = ap.parse_args()
    if args.count < 0:
        ap.error("count must be positive")
    os.makedirs(args.outdir, exist_ok=True)
    total = 0
    for i in range(1, args.count + 1):
        slug, text = generate(i, args.seed)
        path = os.path.join(args.outdir, "%04d-%s.sdd.md" % (i, slug))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        total += text.count("\n")
    print("%d documents, %d lines in %s" % (args.count, total, args.outdir),
          file=sys.stderr)


if __name__ == "__main__":
    main()
