# SPDX-License-Identifier: GPL-2.0
"""TAP and KTAP: kselftest programs' output, and KUnit's in the kernel log.

KUnit prints KTAP (Documentation/dev-tools/ktap.rst) to the kernel log as
its suites run, one nesting level per four spaces:

    KTAP version 1                   6.2+: a header over one module's suites
    1..6
        KTAP version 1
        # Subtest: gosync_barrier
        1..9                         the suite's plan: 9 cases
        ok 1 barrier_init_errors_test
        ok 2 barrier_one_party_test # SKIP why
            KTAP version 1           a parameterised case: its parameters
            # Subtest: map_param_test
            ok 1 small
        not ok 3 map_param_test      the case's own line sums them up
        ...
    ok 1 gosync_barrier              the suite's own result, a level up

parse() builds the tree from such lines as `kunit.py parse` does; any other
line in between (the kernel's own messages, "# " diagnostics) is passed
over. kunit_results() judges it; tap_cases() reads a kselftest program's
flat TAP.
"""

import re

VERSION_RE = re.compile(r"^K?TAP version \d+\s*$")
SUBTEST_RE = re.compile(r"^# Subtest: (.*?)\s*$")
PLAN_RE = re.compile(r"^1\.\.(\d+)")
RESULT_RE = re.compile(r"^(not ok|ok) \d+ (?:- )?([^#]*?)\s*(#\s*(SKIP|skip)\b.*)?$")
RUN_RE = re.compile(r"^#\s+RUN\s+(\S+) \.\.\.")


def result(text):
    """A result line's (status, name, why), or None for any other line."""
    m = RESULT_RE.match(text)
    if not m:
        return None
    verdict, name, skip = m.group(1), m.group(2), m.group(3)
    status = "SKIP" if skip else ("PASS" if verdict == "ok" else "FAIL")
    why = re.sub(r"^#\s*(SKIP|skip)\s*", "", skip) if skip else ""
    return status, name.strip(), why


class Test:
    """One (sub)test: its header, plan and children sit at `depth` levels
    of indentation, its own result line one level up."""

    def __init__(self, depth, name=""):
        self.depth = depth
        self.name = name
        self.plan = None        # N of "1..N"
        self.subtests = []
        self.status = None      # PASS, FAIL, SKIP; None: no result line
        self.why = ""

    def fresh(self):
        return not self.subtests and self.plan is None


def parse(lines):
    """The KTAP tree of lines with no kernel-log prefix. The root stands for
    the top level, whether or not it printed a header (6.1 prints none
    over a module's suites)."""
    root = Test(0)
    stack = [root]

    def level(depth):
        """The open test at depth, opened (nameless) if there is none."""
        while stack[-1].depth > depth:
            stack.pop()
        if stack[-1].depth < depth:
            t = Test(depth)
            stack[-1].subtests.append(t)
            stack.append(t)
        return stack[-1]

    for line in lines:
        text = line.lstrip(" ")
        depth = (len(line) - len(text)) // 4
        sub = SUBTEST_RE.match(text)
        if (sub or VERSION_RE.match(text)) and depth > 0:
            top = level(depth)
            if not top.fresh() or top.name:
                stack.pop()     # a sibling that never printed its result
                top = level(depth)
            if sub:
                top.name = sub.group(1)
        elif PLAN_RE.match(text):
            level(depth).plan = int(PLAN_RE.match(text).group(1))
        elif result(text):
            status, name, why = result(text)
            while stack[-1].depth > depth + 1:
                stack.pop()
            if stack[-1].depth == depth + 1:
                t = stack.pop()     # the result of the test opened below
                t.name = t.name or name
            else:
                t = Test(depth + 1, name)
                level(depth).subtests.append(t)
            t.status, t.why = status, why
    return root


def kunit_results(root, prefix="kunit"):
    """(name, status, why) of each case of each suite under root, then one
    FAIL line for a suite, or for the whole run (named prefix), whose KTAP
    is incomplete: a missing result line or fewer results than the plan
    (a test that crashed or hung), "not ok" with no failed case, no case
    at all. A parameterised case counts once, by its own line."""
    out = []
    for n, suite in enumerate(root.subtests, 1):
        name = "%s/%s" % (prefix, suite.name or "suite-%d" % n)
        cases = [("%s/%s" % (name, c.name), c.status or "FAIL",
                  c.why if c.status else "no result line") for c in suite.subtests]
        wrong = []
        if suite.status is None:
            wrong.append("KTAP has no suite result line")
        if suite.plan is not None and suite.plan != len(suite.subtests):
            wrong.append("planned %d cases, %d reported" % (suite.plan, len(suite.subtests)))
        if suite.status == "FAIL" and all(s != "FAIL" for _, s, _ in cases):
            wrong.append("suite reported not ok")
        out += cases
        if wrong:
            out.append((name, "FAIL", "; ".join(wrong)))
        elif not cases:
            out.append((name, "SKIP", suite.why) if suite.status == "SKIP"
                       else (name, "FAIL", "printed no test results"))
    if root.plan is not None and root.plan != len(root.subtests):
        out.append((prefix, "FAIL", "planned %d suites, %d reported"
                    % (root.plan, len(root.subtests))))
    return out


def tap_cases(name, lines):
    """Leaf results of a kselftest program's TAP, at any indentation."""
    cases = []
    running = ""
    for line in lines:
        r = RUN_RE.match(line)
        if r:
            running = r.group(1)
        res = result(line.lstrip())
        if res:
            status, case, why = res
            # 6.1's kselftest harness prints "ok N # SKIP why" without the
            # test's name: take it from the "#  RUN  name ..." line before.
            cases.append(("%s/%s" % (name, case or running), status, why))
    return cases
