#!/usr/bin/env python3
"""The CI templates and action.yml as the forges read them (python3-yaml).

    ci-yaml.py lint FILE...                 check each file's structure
    ci-yaml.py step FILE NAME CONTEXT.json  a GitHub step as a bash script
    ci-yaml.py gitlab FILE PART             a GitLab job's script lines

lint knows three kinds of file, by content: a composite action
(action.yml), a GitHub Actions workflow and a GitLab CI job file. It checks
what each key must hold, the way actionlint and GitLab's linter would for
the keys these files use: an unknown key, a value of the wrong type, a
missing required key, a reference to an input, a step or an output that
does not exist, an action that is not pinned to a major version or later,
a ${{ }} expression inside a script (an injection risk: values go through
env), and the project's own rules (upload-sarif@v4, job-level
permissions with actions: read, timeouts, concurrency, merge_group, a
push to the default branch). Every problem is printed; exit 1 on any.

step prints the step called NAME: `export VAR=value` for each env entry,
its ${{ }} expressions evaluated against CONTEXT (a JSON object: github,
inputs, runner, steps, env), then the run script; or `exit 99` when its
`if:` is false. Expressions handle what the files use: property paths,
'strings', ==, !=, &&, ||, !, (), always(), success(), and empty values.
"""
import json
import re
import sys

import yaml

problems = []


def problem(path, msg):
    problems.append("%s: %s" % (path, msg))


# --- expressions ------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(\|\||&&|==|!=|!|\(|\)|,)|('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_]*)\(|([A-Za-z_][A-Za-z0-9_.\-]*)|(\d+))")
FUNCTIONS = {"always", "success", "failure", "cancelled", "hashFiles", "contains", "startsWith",
             "endsWith", "format", "join", "toJSON", "fromJSON"}


def tokens(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("cannot read expression at: " + text[pos:])
        pos = m.end()
        op, s, call, name, num = m.groups()
        if op:
            out.append(("op", op))
        elif s is not None:
            out.append(("str", s[1:-1].replace("''", "'")))
        elif call:
            out.append(("call", call))
        elif name:
            out.append(("name", name))
        else:
            out.append(("num", int(num)))
    return out


def lookup(ctx, name):
    if name in ("true", "false"):
        return name == "true"
    if name == "null":
        return None
    cur = ctx
    for part in name.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return ""
    return cur


def truthy(v):
    return v not in (None, "", False, 0)


def evaluate(text, ctx):
    toks = tokens(text)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else (None, None)

    def take():
        t = peek()
        pos[0] += 1
        return t

    def primary():
        kind, val = take()
        if kind == "op" and val == "(":
            v = orexpr()
            if take() != ("op", ")"):
                raise ValueError("missing ) in " + text)
            return v
        if kind == "op" and val == "!":
            return not truthy(primary())
        if kind == "str" or kind == "num":
            return val
        if kind == "call":
            args = []
            while peek() != ("op", ")"):
                if peek() == (None, None):
                    raise ValueError("missing ) in " + text)
                args.append(orexpr())
                if peek() == ("op", ","):
                    take()
            take()
            if val in ("always", "success"):
                return True
            if val in ("failure", "cancelled"):
                return False
            if val == "contains":
                return str(args[1]) in (args[0] if isinstance(args[0], list) else str(args[0]))
            if val == "startsWith":
                return str(args[0]).startswith(str(args[1]))
            if val in FUNCTIONS:
                raise ValueError("%s() cannot be evaluated here" % val)
            raise ValueError("unknown function %s() in %s" % (val, text))
        if kind == "name":
            return lookup(ctx, val)
        raise ValueError("cannot read expression: " + text)

    def comparison():
        v = primary()
        while peek() in (("op", "=="), ("op", "!=")):
            op = take()[1]
            w = primary()
            a = "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
            b = "" if w is None else str(w).lower() if isinstance(w, bool) else str(w)
            v = (a == b) if op == "==" else (a != b)
        return v

    def andexpr():
        v = comparison()
        while peek() == ("op", "&&"):
            take()
            w = comparison()
            v = w if truthy(v) else v
        return v

    def orexpr():
        v = andexpr()
        while peek() == ("op", "||"):
            take()
            w = andexpr()
            v = v if truthy(v) else w
        return v

    v = orexpr()
    if pos[0] != len(toks):
        raise ValueError("trailing tokens in " + text)
    return v


EXPR = re.compile(r"\$\{\{(.*?)\}\}")


def substitute(value, ctx):
    if not isinstance(value, str):
        return value
    m = EXPR.fullmatch(value.strip())
    if m:
        return evaluate(m.group(1), ctx)
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx)), value)


def expressions(value):
    return [m.group(1) for m in EXPR.finditer(value)] if isinstance(value, str) else []


def names_in(expr):
    try:
        toks = tokens(expr)
        for k, v in toks:
            if k == "call" and v not in FUNCTIONS:
                return ["!unknown function %s()" % v]
        return [v for k, v in toks if k == "name"]
    except ValueError as e:
        return ["!" + str(e)]


# --- lint ------------------------------------------------------------------

def want(path, value, types, what):
    if not isinstance(value, types):
        problem(path, "must be %s, not %r" % (what, value))
        return False
    return True


def keys(path, mapping, allowed, required=()):
    if not want(path, mapping, dict, "a mapping"):
        return False
    for k in mapping:
        if k not in allowed:
            problem(path, "unknown key %r" % k)
    for k in required:
        if k not in mapping:
            problem(path, "missing key %r" % k)
    return True


USES = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-/]+@v[0-9]+(\.[0-9]+)*$")
STEP_KEYS = {"id", "name", "if", "uses", "with", "run", "shell", "env",
             "working-directory", "continue-on-error", "timeout-minutes"}


def lint_steps(path, steps, composite, inputs, step_ids_out):
    if not want(path, steps, list, "a list of steps"):
        return
    seen_ids = []
    for i, step in enumerate(steps):
        sp = "%s[%d]" % (path, i)
        if not keys(sp, step, STEP_KEYS - ({"timeout-minutes"} if composite else set())):
            continue
        if "name" in step:
            sp = "%s (%s)" % (sp, step["name"])
        if ("uses" in step) == ("run" in step):
            problem(sp, "needs exactly one of 'uses' and 'run'")
        if "uses" in step:
            want(sp + ".uses", step["uses"], str, "a string")
            if isinstance(step["uses"], str) and not step["uses"].startswith("./") and not USES.match(step["uses"]):
                problem(sp + ".uses", "pin the action to a version tag (owner/name@vN): %r" % step["uses"])
            if isinstance(step.get("uses"), str) and step["uses"].startswith("github/codeql-action/"):
                if not step["uses"].endswith("@v4"):
                    problem(sp + ".uses", "code scanning actions must be @v4 (v3 is deprecated): %r" % step["uses"])
            if "with" in step:
                want(sp + ".with", step["with"], dict, "a mapping")
            if "shell" in step:
                problem(sp, "'shell' goes with 'run', not 'uses'")
        if "run" in step:
            want(sp + ".run", step["run"], str, "a string")
            if composite and step.get("shell") not in ("bash", "sh"):
                problem(sp + ".shell", "a composite action's run step needs shell: bash (or sh)")
            for e in expressions(step.get("run")):
                problem(sp + ".run", "${{%s}} inside a script: pass it through env" % e)
        if "env" in step:
            if want(sp + ".env", step["env"], dict, "a mapping"):
                for k, v in step["env"].items():
                    if not re.match(r"^[A-Z_][A-Z0-9_]*$", str(k)):
                        problem(sp + ".env", "bad variable name %r" % k)
                    want("%s.env.%s" % (sp, k), v, (str, int, bool), "a scalar")
        if "id" in step:
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_\-]*$", str(step["id"])):
                problem(sp + ".id", "bad step id %r" % step["id"])
            if step["id"] in seen_ids:
                problem(sp + ".id", "duplicate step id %r" % step["id"])
        if "if" in step:
            want(sp + ".if", step["if"], (str, bool), "an expression")
        if "continue-on-error" in step:
            want(sp + ".continue-on-error", step["continue-on-error"], (bool, str), "a boolean")
        # References: inputs.X must exist; steps.ID must come earlier.
        texts = [step.get("if")] + list((step.get("env") or {}).values()) + list((step.get("with") or {}).values())
        for t in texts:
            exprs = expressions(t)
            if t is step.get("if") and isinstance(t, str) and "${{" not in t:
                exprs = [t]
            for e in exprs:
                for name in names_in(e):
                    if name.startswith("!"):
                        problem(sp, "expression: " + name[1:])
                    elif name.startswith("inputs."):
                        if inputs is None:
                            problem(sp, "%s: a workflow has no inputs here" % name)
                        elif name.split(".")[1] not in inputs:
                            problem(sp, "%s: no such input" % name)
                    elif name.startswith("steps."):
                        if name.split(".")[1] not in seen_ids:
                            problem(sp, "%s: no earlier step has that id" % name)
                    elif name.split(".")[0] not in ("github", "runner", "env", "secrets", "matrix", "job",
                                                   "needs", "strategy", "vars", "true", "false", "null"):
                        problem(sp, "%s: unknown context" % name)
        if "id" in step:
            seen_ids.append(step["id"])
    step_ids_out.extend(seen_ids)


def lint_action(path, doc):
    keys(path, doc, {"name", "description", "author", "branding", "inputs", "outputs", "runs"},
         ("name", "description", "runs"))
    inputs = doc.get("inputs") or {}
    if want(path + ".inputs", inputs, dict, "a mapping"):
        for name, spec in inputs.items():
            ip = "%s.inputs.%s" % (path, name)
            if keys(ip, spec, {"description", "required", "default", "deprecationMessage"}, ("description",)):
                if "default" in spec:
                    want(ip + ".default", spec["default"], str, "a string (quote true/false)")
                if "required" in spec:
                    want(ip + ".required", spec["required"], bool, "a boolean")
    for need in ("format", "fail-on", "comment"):
        if need not in inputs:
            problem(path + ".inputs", "missing the %r input" % need)
    runs = doc.get("runs") or {}
    keys(path + ".runs", runs, {"using", "steps"}, ("using", "steps"))
    if runs.get("using") != "composite":
        problem(path + ".runs.using", "must be composite")
    ids = []
    lint_steps(path + ".runs.steps", runs.get("steps"), True, inputs, ids)
    outputs = doc.get("outputs") or {}
    if want(path + ".outputs", outputs, dict, "a mapping"):
        for name, spec in outputs.items():
            op = "%s.outputs.%s" % (path, name)
            if keys(op, spec, {"description", "value"}, ("description", "value")):
                for e in expressions(spec.get("value")):
                    for n in names_in(e):
                        if n.startswith("steps.") and n.split(".")[1] not in ids:
                            problem(op, "%s: no step has that id" % n)
    uses = [s.get("uses", "") for s in runs.get("steps") or [] if isinstance(s, dict)]
    if not any(u.startswith("github/codeql-action/upload-sarif@") for u in uses):
        problem(path, "uploads no SARIF (github/codeql-action/upload-sarif@v4)")
    if "branding" in doc:
        keys(path + ".branding", doc["branding"], {"icon", "color"})


JOB_KEYS = {"name", "runs-on", "container", "services", "permissions", "steps", "timeout-minutes",
            "concurrency", "env", "if", "needs", "strategy", "outputs", "environment", "defaults",
            "continue-on-error", "uses", "with", "secrets"}
PERMISSIONS = {"actions", "attestations", "checks", "contents", "deployments", "id-token", "issues",
               "discussions", "packages", "pages", "pull-requests", "repository-projects",
               "security-events", "statuses"}


def lint_workflow(path, doc):
    # YAML 1.1 reads a bare `on` as True.
    on = doc.get("on", doc.get(True))
    keys(path, {("on" if k is True else k): v for k, v in doc.items()},
         {"name", "on", "permissions", "env", "concurrency", "jobs", "defaults", "run-name"}, ("on", "jobs"))
    if want(path + ".on", on, dict, "a mapping of events"):
        for ev in ("pull_request", "merge_group", "push"):
            if ev not in on:
                problem(path + ".on", "missing the %r event" % ev)
        push = on.get("push") or {}
        if not (isinstance(push, dict) and isinstance(push.get("branches"), list) and push["branches"]):
            problem(path + ".on.push", "must name the default branch (branches: [main])")
    if doc.get("permissions") not in ({}, None):
        problem(path + ".permissions", "grant permissions per job; the workflow level should be {}")
    conc = doc.get("concurrency")
    if keys(path + ".concurrency", conc, {"group", "cancel-in-progress"}, ("group", "cancel-in-progress")):
        want(path + ".concurrency.cancel-in-progress", conc.get("cancel-in-progress"), bool, "a boolean")
    jobs = doc.get("jobs") or {}
    if not want(path + ".jobs", jobs, dict, "a mapping") or not jobs:
        problem(path + ".jobs", "no job")
        return
    for name, job in jobs.items():
        jp = "%s.jobs.%s" % (path, name)
        if not keys(jp, job, JOB_KEYS, ("runs-on", "steps")):
            continue
        if not isinstance(job.get("timeout-minutes"), int) or not 0 < job["timeout-minutes"] <= 60:
            problem(jp + ".timeout-minutes", "must be a number of minutes (1-60)")
        perms = job.get("permissions")
        if keys(jp + ".permissions", perms, PERMISSIONS):
            for k, v in perms.items():
                if v not in ("read", "write", "none"):
                    problem("%s.permissions.%s" % (jp, k), "must be read, write or none")
            for k, v in (("actions", "read"), ("contents", "read"), ("security-events", "write"),
                         ("pull-requests", "write")):
                if perms.get(k) != v:
                    problem(jp + ".permissions", "needs %s: %s" % (k, v))
        lint_steps(jp + ".steps", job.get("steps"), False, None, [])


GITLAB_JOB_KEYS = {"stage", "image", "services", "rules", "variables", "before_script", "script",
                   "after_script", "artifacts", "cache", "timeout", "interruptible", "tags", "needs",
                   "allow_failure", "retry", "when", "only", "except", "extends", "environment",
                   "dependencies", "coverage", "resource_group", "id_tokens", "secrets", "inherit"}


def lint_gitlab(path, doc):
    if not want(path, doc, dict, "a mapping of jobs"):
        return
    for name, job in doc.items():
        jp = "%s.%s" % (path, name)
        if not keys(jp, job, GITLAB_JOB_KEYS, ("script",)):
            continue
        for part in ("before_script", "script"):
            if part in job and want("%s.%s" % (jp, part), job[part], list, "a list of commands"):
                for i, line in enumerate(job[part]):
                    want("%s.%s[%d]" % (jp, part, i), line, str, "a string (quote it when it holds ': ')")
        if "only" in job or "except" in job:
            problem(jp, "use rules, not only/except")
        rules = job.get("rules")
        if want(jp + ".rules", rules, list, "a list"):
            ifs = []
            for i, r in enumerate(rules):
                if keys("%s.rules[%d]" % (jp, i), r, {"if", "changes", "exists", "when", "allow_failure", "variables"}):
                    ifs.append(str(r.get("if", "")))
            if not any("merge_request_event" in s for s in ifs):
                problem(jp + ".rules", "no rule for merge requests")
            if not any("CI_DEFAULT_BRANCH" in s for s in ifs):
                problem(jp + ".rules", "no rule for the default branch (Code Quality compares with it)")
        if not isinstance(job.get("timeout"), str) or not re.match(r"^\d+\s*(m|min|minutes|h)$", job["timeout"]):
            problem(jp + ".timeout", "must be a duration such as 15m")
        if job.get("interruptible") is not True:
            problem(jp + ".interruptible", "must be true (a newer pipeline cancels this one)")
        variables = job.get("variables") or {}
        if want(jp + ".variables", variables, dict, "a mapping"):
            for k, v in variables.items():
                want("%s.variables.%s" % (jp, k), v, str, "a string (quote numbers)")
        art = job.get("artifacts") or {}
        if keys(jp + ".artifacts", art, {"when", "reports", "paths", "expire_in", "name", "expose_as"}):
            if not isinstance(art.get("reports"), dict) or "codequality" not in art["reports"]:
                problem(jp + ".artifacts.reports", "needs codequality")


def kind_of(doc):
    if isinstance(doc, dict) and "runs" in doc:
        return "action"
    if isinstance(doc, dict) and "jobs" in doc:
        return "workflow"
    return "gitlab"


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "lint":
        for f in sys.argv[2:]:
            with open(f) as fh:
                doc = yaml.safe_load(fh)
            {"action": lint_action, "workflow": lint_workflow, "gitlab": lint_gitlab}[kind_of(doc)](f, doc)
        for p in problems:
            print(p)
        n, f = len(problems), len(sys.argv) - 2
        print("%d problem%s in %d file%s" % (n, "" if n == 1 else "s", f, "" if f == 1 else "s"))
        return 1 if problems else 0
    if len(sys.argv) == 5 and sys.argv[1] == "step":
        with open(sys.argv[2]) as fh:
            doc = yaml.safe_load(fh)
        with open(sys.argv[4]) as fh:
            ctx = json.load(fh)
        steps = doc["runs"]["steps"] if "runs" in doc else [s for j in doc["jobs"].values() for s in j["steps"]]
        step = [s for s in steps if s.get("name") == sys.argv[3]]
        if len(step) != 1:
            print("no single step named %r" % sys.argv[3], file=sys.stderr)
            return 2
        step = step[0]
        cond = step.get("if")
        if cond is not None:
            m = EXPR.fullmatch(str(cond).strip())
            if not truthy(evaluate(m.group(1) if m else str(cond), ctx)):
                print("echo 'skipped: its if: is false'; exit 99")
                return 0
        if "uses" in step:
            print("echo 'uses: %s'" % step["uses"])
            return 0
        for k, v in (step.get("env") or {}).items():
            v = substitute(v, ctx)
            v = "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
            print("export %s='%s'" % (k, v.replace("'", "'\\''")))
        print(step["run"])
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "gitlab":
        with open(sys.argv[2]) as fh:
            doc = yaml.safe_load(fh)
        job = doc["threatgate"]
        for k, v in (job.get("variables") or {}).items():
            print("%s=${%s-'%s'}" % (k, k, str(v).replace("'", "'\\''")))
        print("\n".join(job[sys.argv[3]]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


sys.exit(main())
