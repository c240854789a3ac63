#!/usr/bin/env python3
"""Find import cycles and forbidden layer arrows between the modules of a Rust crate.

    check_layers.py [SRC_DIR] [--deny FROM=TO[,TO...] ...]      (SRC_DIR defaults to src-tauri/src)

The project's rule: if two modules need each other, a third, lower one holds what
they share. cargo-modules needs a newer rustc, so this reads the source text.

Choices, so a report can be judged:
- A module is one file, found as rustc finds it: from lib.rs along `mod x;` to x.rs
  or x/mod.rs (`foo/bar.rs` is `crate::foo::bar`; main.rs, bin/ and undeclared
  files are not in the library).
- Edge A -> B when A's file names a path into B: in a `use` (grouped, multi-line,
  `pub use`; from `crate`/`super`/`self`/a child module/a name A imported) or inline
  (`crate::x::f()`, `super::T`, `child::f()`). A path resolves to its longest module
  prefix; if the next segment is a name that module imports, the path follows the
  import, so `crate::Error` lands where `Error` is defined, not on lib.rs.
- Not edges: `mod x;`; `pub use` of the file's own descendants (a mod.rs facade);
  self-loops; `#[cfg(test)]` items (tests may import anything); comments, strings.
- A module and its own descendants are one part of the tree (a folder's mod.rs is
  its hub: children `use super::Studio`, the hub builds from its children), so no
  edge is drawn between a module and its ancestor or descendant. Cycles are looked
  for between parts that do not contain each other: siblings, cousins, layers.
- Cycles: strongly connected components of 2+ modules, printed with every edge in
  them and the first file:line making it. `--deny FROM=TO` (repeatable): no module
  at or under FROM may name one at or under TO (`--deny crate::sandbox=crate::cloud`),
  judged by the path as written: reaching a type through an allowed layer's
  re-export is fine, naming the forbidden layer (facade or not) is not.
Exit 1 on a cycle or violation, 0 otherwise, 2 on bad input.
Not understood: paths built by macros, `#[path]`, names from globs (`use x::*` is an
edge to x), `super` inside a non-test inline `mod m { }` (read as the file's own).
"""
import argparse
import bisect
import os
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_]\w*"
# Comments, raw strings, strings, byte/char literals; blanked so offsets keep their line.
NOISE = re.compile(
    r'//[^\n]*|/\*.*?\*/|\bb?r(#*)".*?"\1|b?"(?:\\.|[^"\\])*"'
    r"|b?'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'\n])'",
    re.S,
)
CFG_TEST = re.compile(r"#\[cfg\(\s*test\s*\)\]")
VIS_IN = re.compile(r"\bpub\s*\(\s*in\s[^)]*\)")  # `pub(in crate::x)` names no dependency
MOD_DECL = re.compile(r"\bmod\s+(" + IDENT + r")\s*;")
USE = re.compile(r"\b(pub\b\s*(?:\([^)]*\))?\s*)?use\s+([^;]*);")
USE_TOKEN = re.compile(r"::|[{},*]|" + IDENT)
INLINE = re.compile(r"(?<![\w$:])" + IDENT + r"(?:\s*::\s*" + IDENT + r")+")


def blank(text):
    return re.sub(r"[^\n]", " ", text)


def clean(text):
    """Source with comments, literals and `#[cfg(test)]` items blanked out."""
    text = NOISE.sub(lambda m: blank(m.group()), text)
    text = VIS_IN.sub(lambda m: blank(m.group()), text)
    pos = 0
    while m := CFG_TEST.search(text, pos):
        # The item ends at its first `;` or at the brace matching its first `{`.
        end, depth = m.end(), 0
        while end < len(text):
            ch = text[end]
            if ch == ";" and depth == 0:
                break
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth <= 0:
                    break
            end += 1
        text = text[: m.start()] + blank(text[m.start() : end + 1]) + text[end + 1 :]
        pos = end + 1
    return text


def expand_use(tree, offset):
    """`a::{b, c::{self, d as e}}` -> [(path, name, offset)], name '*' for a glob."""
    toks = [(m.group(), offset + m.start()) for m in USE_TOKEN.finditer(tree)]
    out, pos = [], 0

    def walk(prefix):
        nonlocal pos
        path, alias, at = list(prefix), None, offset
        while pos < len(toks):
            tok, at_tok = toks[pos]
            pos += 1
            if tok == "{":
                while pos < len(toks) and toks[pos][0] != "}":
                    walk(path)
                    pos += pos < len(toks) and toks[pos][0] == ","
                pos += 1
                return
            if tok == "*":
                out.append((path, "*", at_tok))
                return
            if tok in (",", "}"):
                pos -= 1
                break
            if tok == "as" and pos < len(toks):
                alias = toks[pos][0]
                pos += 1
            elif tok != "::":
                path.append(tok)
                at = at_tok
        if len(path) > 1 and path[-1] == "self":  # `{self, ..}` names the prefix itself
            path.pop()
        if path:
            out.append((path, alias or path[-1], at))

    while pos < len(toks):
        walk([])
        pos += 1  # a stray `,` or `}` at top level
    return out


class Crate:
    def __init__(self, src):
        self.modules = {}  # module tuple -> (file path, cleaned text)
        self.imports = defaultdict(dict)  # module -> name -> absolute path it imports
        self.refs = []  # (from module, absolute path, file, line, is a facade re-export)
        lib = os.path.join(src, "lib.rs")
        if not os.path.isfile(lib):
            raise FileNotFoundError(f"no lib.rs in {src}")
        todo = [(("crate",), lib)]
        while todo:
            mod, path = todo.pop()
            with open(path, encoding="utf-8") as f:
                text = clean(f.read())
            self.modules[mod] = (path, text)
            here = os.path.dirname(path) if os.path.basename(path) in ("lib.rs", "mod.rs") else path[:-3]
            for name in MOD_DECL.findall(text):
                for cand in (os.path.join(here, name + ".rs"), os.path.join(here, name, "mod.rs")):
                    if os.path.isfile(cand):
                        todo.append((mod + (name,), cand))
                        break
        for mod in self.modules:
            self.read_refs(mod)

    def absolute(self, cur, segs):
        """`segs` as written in module `cur`, made absolute; None for std and other crates."""
        head = segs[0]
        if head == "crate":
            return ("crate",) + tuple(segs[1:])
        if head == "self":
            return cur + tuple(segs[1:])
        if head == "super":
            ups = next((i for i, s in enumerate(segs) if s != "super"), len(segs))
            return cur[:-ups] + tuple(segs[ups:]) if ups < len(cur) else None
        if cur + (head,) in self.modules:
            return cur + tuple(segs)
        if head in self.imports[cur]:
            return self.imports[cur][head] + tuple(segs[1:])
        return None

    def module_of(self, path):
        """Longest prefix of `path` that is a module (every path starts at `crate`)."""
        return next(path[:k] for k in range(len(path), 0, -1) if path[:k] in self.modules)

    def resolve(self, path, hops=0):
        """The module defining what `path` names, following imports (facades)."""
        mod = self.module_of(path)
        target = self.imports[mod].get(path[len(mod)]) if len(path) > len(mod) else None
        if target and hops < 8 and target != path[: len(mod) + 1]:
            return self.resolve(target + path[len(mod) + 1 :], hops + 1)
        return mod

    def read_refs(self, mod):
        file, text = self.modules[mod]
        newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        line = lambda offset: bisect.bisect_left(newlines, offset) + 1  # noqa: E731
        for m in USE.finditer(text):
            for segs, name, at in expand_use(m.group(2), m.start(2)):
                path = self.absolute(mod, segs)
                if path is None:
                    continue
                if name not in ("*", "_", "self"):
                    self.imports[mod][name] = path
                # `pub use child::X` in a parent is its facade, not a dependency on the child.
                named = self.module_of(path)
                facade = bool(m.group(1)) and len(named) > len(mod) and named[: len(mod)] == mod
                self.refs.append((mod, path, file, line(at), facade))
        # Inline paths, with `use` statements blanked so they are not read twice.
        code = USE.sub(lambda m: blank(m.group()), text)
        for m in INLINE.finditer(code):
            path = self.absolute(mod, re.split(r"\s*::\s*", m.group()))
            if path is not None:
                self.refs.append((mod, path, file, line(m.start()), False))

    def edges(self, through_facades=True):
        """{(from, to): (file, line)} with the first place each edge is made. With
        `through_facades=False` an edge goes to the module the path names, not to
        where a re-export leads: a lower layer reaching a type through a higher
        layer's `pub use` still names that higher layer."""
        out = {}
        for src, path, file, line, facade in self.refs:
            dst = self.resolve(path) if through_facades else self.module_of(path)
            if facade or dst == src or nested(src, dst) or nested(dst, src):
                continue
            if (src, dst) not in out or line < out[src, dst][1]:
                out[src, dst] = (file, line)
        return out


def nested(outer, inner):
    """Whether module `inner` lies inside module `outer` (paths as tuples of names)."""
    return len(inner) > len(outer) and inner[: len(outer)] == outer


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    succ = defaultdict(list)
    for a, b in sorted(edges):
        succ[a].append(b)
    index, low, stack, on_stack, work, found = {}, {}, [], set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        work.append((v, iter(succ[v])))

    for root in sorted(nodes):
        if root not in index:
            visit(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    visit(w)
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:  # all of v's successors done: v closes a component if it is its root
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while not comp or comp[-1] != v:
                        comp.append(stack.pop())
                        on_stack.discard(comp[-1])
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return sorted(found)


def module_path(text):
    segs = text.split("::")
    return tuple(segs if segs[0] == "crate" else ["crate"] + segs)


def under(mod, prefix):
    return mod[: len(prefix)] == prefix


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", default="src-tauri/src", help="the crate's src dir (with lib.rs)")
    parser.add_argument("--deny", action="append", default=[], metavar="FROM=TO[,TO...]",
                        help="no module under prefix FROM may refer to one under prefix TO")
    args = parser.parse_args(argv)
    rules = []
    for rule in args.deny:
        frm, sep, targets = rule.partition("=")
        if not sep or not frm or not targets:
            parser.error(f"--deny wants FROM=TO[,TO...], got {rule!r}")
        for to in targets.split(","):
            rules.append((f"{frm}={to}", module_path(frm), module_path(to)))

    try:
        crate = Crate(args.src)
    except (OSError, UnicodeDecodeError) as e:
        parser.error(str(e))
    edges = crate.edges()
    name = "::".join
    failed = False
    for comp in cycles(crate.modules, edges):
        failed = True
        print(f"import cycle among {len(comp)} modules: {', '.join(map(name, comp))}")
        for (a, b), (file, line) in sorted(edges.items()):
            if a in comp and b in comp:
                print(f"  {name(a)} -> {name(b)}    {file}:{line}")
    # Layers are judged by what a file names: a path through an allowed layer's
    # re-export is fine, one that names a forbidden layer is not, facade or no.
    named = crate.edges(through_facades=False)
    for rule, frm, to in rules:
        for (a, b), (file, line) in sorted(named.items()):
            if under(a, frm) and under(b, to):
                failed = True
                print(f"layer violation (--deny {rule}): {name(a)} -> {name(b)}    {file}:{line}")
    if not failed:
        held = f"; all {len(rules)} --deny rules hold" if rules else ""
        print(f"no import cycles among {len(crate.modules)} modules{held}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
