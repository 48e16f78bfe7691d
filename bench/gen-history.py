#!/usr/bin/env python3
"""Generate a repository history for benchmarking `threatgate scan`.

    bench/gen-history.py [--docs N] [--commits N] [--seed SEED] | git fast-import

Writes a `git fast-import` stream to standard output: one branch, main,
whose first commit adds N design docs (bench/gen-docs.py's realistic
documents, at docs/design/NNNN-<slug>.md) each covering code of its own
(`covers: [services/<team>/NNNN/**]`) plus a first file of that code; then
commits, one every ~20 minutes over two years, each changing one to three
files of the covered code (a few services are much busier than the rest, as
in real monorepos), some changing unrelated paths, and one in 150 reviewing
a design (its threat-model-reviewed date moves to the commit's day). Authors
come from a pool of 60 people.

The output depends only on the arguments. Python standard library only.
"""

import argparse
import datetime
import importlib.util
import itertools
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["main.go", "handler.go", "store.go", "api/routes.go",
         "api/schema.proto", "internal/cache.go", "deploy/service.yaml"]
UNRELATED = ["README.md", "web/app.ts", "web/styles.css", "tools/lint.sh",
             "docs/guides/onboarding.md", ".github/workflows/ci.yml"]


def load_gen_docs():
    spec = importlib.util.spec_from_file_location(
        "gen_docs", os.path.join(HERE, "gen-docs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Stream:
    def __init__(self, out):
        self.out = out

    def data(self, payload):
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(self, who, when, message, changes, first=False):
        stamp = "%s <%s> %d +0000" % (who[0], who[1], when)
        self.out.write(b"commit refs/heads/main\n")
        self.out.write(("author %s\ncommitter %s\n" % (stamp, stamp))
                       .encode("utf-8"))
        self.data(message)
        if first:
            self.out.write(b"deleteall\n")
        for path, content in changes:
            self.out.write(("M 100644 inline %s\n" % path).encode("utf-8"))
            self.data(content)
        self.out.write(b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--commits", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args()

    gen = load_gen_docs()
    rng = random.Random(args.seed)
    people = ["%s %s" % (rng.choice(["Ana", "Ben", "Chen", "Dana", "Eli",
                                      "Fatima", "Gus", "Hana", "Ivan", "Jane",
                                      "Kenji", "Lea", "Marco", "Nadia", "Omar",
                                      "Priya", "Sam", "Tom", "Uma", "Yara"]),
                         rng.choice(["Doe", "Haddad", "Wei", "Nair", "Becker",
                                     "Lindqvist", "Patel", "Rossi", "Sato",
                                     "Okafor", "Karimi", "Cho", "Silva"]))
              for _ in range(60)]
    authors = [(p, p.lower().replace(" ", ".") + "@example.com")
               for p in people]

    start = int(datetime.datetime(2024, 12, 1, 9, 0,
                tzinfo=datetime.timezone.utc).timestamp())
    end = int(datetime.datetime(2026, 11, 26, 18, 0,
              tzinfo=datetime.timezone.utc).timestamp())
    step = (end - start) / max(1, args.commits)

    docs = []       # [path, text, code folder]
    changes = []
    for i in range(1, args.docs + 1):
        slug, text = gen.generate(i, args.seed)
        team = slug.split("-")[0]
        folder = "services/%s/%04d" % (team, i)
        lines = text.split("\n")
        for n, line in enumerate(lines):
            if line.startswith("covers:"):
                lines[n] = "covers: [%s/**]" % folder
                break
        text = "\n".join(lines)
        path = "docs/design/%04d-%s.md" % (i, slug)
        docs.append([path, text, folder])
        changes.append((path, text))
        changes.append((folder + "/main.go",
                        "package svc%04d\n\nfunc main() {}\n" % i))

    out = Stream(sys.stdout.buffer)
    out.commit(authors[0], start, "Import the design docs and services\n",
               changes, first=True)

    # A few busy services, a long tail of quiet ones (Zipf-like).
    cum = list(itertools.accumulate(1.0 / (k + 1) ** 0.8
                                    for k in range(args.docs)))
    order = list(range(args.docs))
    rng.shuffle(order)
    ranks = range(args.docs)
    revision = 0
    for c in range(1, args.commits):
        when = int(start + c * step + rng.randint(0, int(step // 2)))
        who = rng.choice(authors)
        changes = []
        if c % 150 == 0:
            # A design review: the date moves to today's.
            doc = docs[rng.randrange(args.docs)]
            day = datetime.datetime.fromtimestamp(
                when, datetime.timezone.utc).strftime("%Y-%m-%d")
            lines = doc[1].split("\n")
            for n, line in enumerate(lines):
                if line.startswith("threat-model-reviewed:"):
                    lines[n] = "threat-model-reviewed: " + day
                    break
            doc[1] = "\n".join(lines)
            changes.append((doc[0], doc[1]))
            message = "Review the threat model of %s\n" % doc[0]
        elif rng.random() < 0.1:
            path = rng.choice(UNRELATED)
            revision += 1
            changes.append((path, "revision %d\n" % revision))
            message = "Update %s\n" % path
        else:
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                k = order[rng.choices(ranks, cum_weights=cum)[0]]
                revision += 1
                path = "%s/%s" % (docs[k][2], rng.choice(FILES))
                changes.append((path, "// revision %d\npackage svc%04d\n"
                                % (revision, k + 1)))
            message = "Change %s\n" % changes[0][0]
        out.commit(who, when, message, changes)
    sys.stdout.buffer.flush()
    print("%d documents, %d commits" % (args.docs, args.commits),
          file=sys.stderr)


if __name__ == "__main__":
    main()
