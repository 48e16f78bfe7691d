#!/usr/bin/env python3
"""A stand-in for the comment APIs of GitHub and GitLab, for the tests of
hooks/pr-comment (t0410-pr-comment.sh).

    fake-forge.py STATE_DIR [--max-requests N] [--timeout SECONDS]

Listens on 127.0.0.1 on a port the system picks, writes that port to
STATE_DIR/port, and answers as the forges do:

  GitHub  GET   /repos/acme/designs/issues/7/comments   list, paginated
          POST  /repos/acme/designs/issues/7/comments   201
          PATCH /repos/acme/designs/issues/comments/ID  200
  GitLab  GET   /api/v4/projects/42/merge_requests/3/notes        list
          POST  /api/v4/projects/42/merge_requests/3/notes        201
          PUT   /api/v4/projects/42/merge_requests/3/notes/ID     200

and, for hooks/pr-approvals (read only):

  GitHub  GET   /repos/acme/designs/pulls/7            head sha, author
          GET   /repos/acme/designs/pulls/7/reviews    list, paginated
  GitLab  GET   /api/v4/projects/42/merge_requests/3            sha, author
          GET   /api/v4/projects/42/merge_requests/3/approvals  approved_by
          GET   /api/v4/projects/42/approvals        reset_approvals_on_push

Any other pull request or project is 404 {"message": "Not Found"}. Pages
hold at most 2 comments whatever per_page asks, so that pagination is
always exercised: GitHub answers with a Link header, GitLab with Link and
X-Next-Page.

Tokens (Authorization: Bearer, or GitLab's PRIVATE-TOKEN): "good-token"
reads and writes; "read-only-token" reads, and writes get 403 "Resource
not accessible by integration", as a fork's pull request token does;
"forbidden-token" gets 403 on everything; anything else is 401.

Pull requests come from seed.json too: "pull": {"author": LOGIN, "head":
SHA}, "reviews": [{"user": LOGIN, "state": "APPROVED", "commit_id": SHA}],
"gitlab_approvals": [LOGIN, ...], "gitlab_reset_on_push": true.

Comments start from STATE_DIR/seed.json when it exists ({"github": [...],
"gitlab": [...]}, each comment {"body": ..., "user": ...}; "gitlab_link":
false leaves the Link header out of GitLab's answers). Every request
is appended to STATE_DIR/requests.jsonl, and the comments are written to
STATE_DIR/comments.json after each one.

It stops by itself after --max-requests requests (default 200) or
--timeout seconds (default 120), or when STATE_DIR/stop appears.
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = 2
GOOD, READ_ONLY, FORBIDDEN = "good-token", "read-only-token", "forbidden-token"
GH_PULL = "/repos/acme/designs/pulls/7"
GL_MR = "/api/v4/projects/42/merge_requests/3"
GL_RULES = "/api/v4/projects/42/approvals"
GH_LIST = "/repos/acme/designs/issues/7/comments"
GH_ONE = "/repos/acme/designs/issues/comments/"
GL_LIST = "/api/v4/projects/42/merge_requests/3/notes"


class State:
    def __init__(self, folder):
        self.folder = folder
        self.comments = {"github": [], "gitlab": []}
        self.next_id = 1000
        self.gitlab_link = True
        self.pull = {"author": "jane", "head": "0" * 40}
        self.reviews = []
        self.gitlab_approvals = []
        self.gitlab_reset = True
        seed = os.path.join(folder, "seed.json")
        if os.path.exists(seed):
            with open(seed) as f:
                data = json.load(f)
            self.pull.update(data.get("pull", {}))
            self.gitlab_approvals = data.get("gitlab_approvals", [])
            self.gitlab_reset = data.get("gitlab_reset_on_push", True)
            for i, r in enumerate(data.get("reviews", [])):
                self.reviews.append({
                    "id": 500 + i, "user": {"login": r["user"]},
                    "state": r.get("state", "APPROVED"),
                    "commit_id": r.get("commit_id", self.pull["head"]),
                    "submitted_at": "2026-11-27T1%d:00:00Z" % (i % 10),
                    "body": ""})
            # Without Link headers GitLab's X-Next-Page alone tells the next page.
            self.gitlab_link = data.get("gitlab_link", True)
            for forge in ("github", "gitlab"):
                for c in data.get(forge, []):
                    self.add(forge, c.get("body", ""), c.get("user", "someone"))

    def add(self, forge, body, user):
        self.next_id += 1
        c = {"id": self.next_id, "body": body}
        if forge == "github":
            c["user"] = {"login": user}
        else:
            c["author"] = {"username": user}
            c["system"] = False
        self.comments[forge].append(c)
        return c

    def save(self):
        path = os.path.join(self.folder, "comments.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.comments, f, indent=1)
        os.replace(path + ".tmp", path)


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-forge/1"

    def log_message(self, fmt, *args):
        pass

    def token(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer "):]
        if auth.startswith("token "):
            return auth[len("token "):]
        return self.headers.get("PRIVATE-TOKEN", "")

    def record(self, status, body):
        parts = urlsplit(self.path)
        entry = {
            "method": self.command,
            "path": parts.path,
            "query": parse_qs(parts.query),
            "status": status,
            "token": "good" if self.token() == GOOD else
                     "read-only" if self.token() == READ_ONLY else
                     "none" if not self.token() else "bad",
            "token_in_url": GOOD in self.path or READ_ONLY in self.path,
            "body": body,
        }
        with open(os.path.join(self.server.state.folder,
                               "requests.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.server.served += 1

    def reply(self, status, payload, headers=None, body_in=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.record(status, body_in)
        self.server.state.save()

    def page(self, items_all, query, path, body_in, forge):
        page = int((query.get("page") or ["1"])[0])
        start = (page - 1) * PAGE
        items = items_all[start:start + PAGE]
        pages = max(1, (len(items_all) + PAGE - 1) // PAGE)
        headers = {}
        if page < pages:
            base = "http://%s:%d%s" % (self.server.server_address[0],
                                       self.server.server_address[1], path)
            headers["Link"] = '<%s?per_page=%d&page=%d>; rel="next"' % (
                base, PAGE, page + 1)
        return self.reply(200, items, headers, body_in)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"null")
        except ValueError:
            return {"unparsed": raw.decode(errors="replace")}

    def handle_any(self):
        body_in = self.read_body() if self.command in ("POST", "PATCH", "PUT") else None
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        state = self.server.state
        forge = "gitlab" if path.startswith("/api/v4/") else "github"
        token = self.token()

        if token == FORBIDDEN:
            return self.reply(403, {"message": "Resource not accessible by integration"},
                              body_in=body_in)
        if token not in (GOOD, READ_ONLY):
            msg = "Bad credentials" if forge == "github" else "401 Unauthorized"
            return self.reply(401, {"message": msg}, body_in=body_in)

        if self.command == "GET" and path == GH_PULL:
            return self.reply(200, {"number": 7,
                                    "user": {"login": state.pull["author"]},
                                    "head": {"sha": state.pull["head"]}},
                              body_in=body_in)
        if self.command == "GET" and path == GH_PULL + "/reviews":
            return self.page(state.reviews, query, path, body_in, "github")
        if self.command == "GET" and path == GL_MR:
            return self.reply(200, {"iid": 3,
                                    "author": {"username": state.pull["author"]},
                                    "sha": state.pull["head"]}, body_in=body_in)
        if self.command == "GET" and path == GL_MR + "/approvals":
            return self.reply(200, {"approved": bool(state.gitlab_approvals),
                                    "approved_by": [{"user": {"username": u}}
                                                    for u in state.gitlab_approvals]},
                              body_in=body_in)
        if self.command == "GET" and path == GL_RULES:
            return self.reply(200, {"reset_approvals_on_push": state.gitlab_reset},
                              body_in=body_in)

        is_list = path in (GH_LIST, GL_LIST)
        one_prefix = GH_ONE if forge == "github" else GL_LIST + "/"
        is_one = path.startswith(one_prefix) and path[len(one_prefix):].isdigit()
        if not (is_list or is_one):
            return self.reply(404, {"message": "Not Found"}, body_in=body_in)

        if self.command == "GET" and is_list:
            comments = state.comments[forge]
            page = int((query.get("page") or ["1"])[0])
            start = (page - 1) * PAGE
            items = comments[start:start + PAGE]
            headers = {}
            pages = max(1, (len(comments) + PAGE - 1) // PAGE)
            link = forge == "github" or state.gitlab_link
            if page < pages and link:
                base = "http://%s:%d%s" % (self.server.server_address[0],
                                           self.server.server_address[1],
                                           path)
                q = "per_page=%d&page=%d" % (PAGE, page + 1)
                headers["Link"] = '<%s?%s>; rel="next", <%s?per_page=%d&page=%d>; rel="last"' % (
                    base, q, base, PAGE, pages)
            if forge == "gitlab":
                headers["X-Next-Page"] = str(page + 1) if page < pages else ""
            if forge == "gitlab":
                headers["X-Page"] = str(page)
                headers["X-Total-Pages"] = str(pages)
            return self.reply(200, items, headers, body_in)

        if token == READ_ONLY:
            return self.reply(403, {"message": "Resource not accessible by integration"},
                              body_in=body_in)
        if not isinstance(body_in, dict) or not isinstance(body_in.get("body"), str):
            return self.reply(422, {"message": "body is missing"}, body_in=body_in)

        if self.command == "POST" and is_list:
            c = state.add(forge, body_in["body"], "threatgate-bot")
            return self.reply(201, c, body_in=body_in)

        method = "PATCH" if forge == "github" else "PUT"
        if self.command == method and is_one:
            wanted = int(path[len(one_prefix):])
            for c in state.comments[forge]:
                if c["id"] == wanted:
                    c["body"] = body_in["body"]
                    return self.reply(200, c, body_in=body_in)
            return self.reply(404, {"message": "Not Found"}, body_in=body_in)
        return self.reply(405, {"message": "Method Not Allowed"}, body_in=body_in)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    folder = args[0]
    max_requests, timeout = 200, 120.0
    i = 1
    while i < len(args):
        if args[i] == "--max-requests":
            max_requests = int(args[i + 1])
        elif args[i] == "--timeout":
            timeout = float(args[i + 1])
        else:
            print("fake-forge: unknown argument %r" % args[i], file=sys.stderr)
            return 2
        i += 2

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.state = State(folder)
    server.served = 0
    server.state.save()
    server.timeout = 0.2
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))

    deadline = time.monotonic() + timeout
    stop = os.path.join(folder, "stop")
    try:
        while server.served < max_requests and \
                time.monotonic() < deadline and not os.path.exists(stop):
            server.handle_request()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
