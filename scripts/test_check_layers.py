"""Self-test of check_layers.py on the fixture crates in check_layers_fixtures/.

    python3 -m unittest scripts/test_check_layers.py   or   python3 scripts/test_check_layers.py
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_layers.py")
FIXTURES = os.path.join(HERE, "check_layers_fixtures")
sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, HERE)
import check_layers  # noqa: E402


def run(fixture, *args):
    src = os.path.join(FIXTURES, fixture, "src")
    proc = subprocess.run([sys.executable, CHECKER, src, *args], capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


class CheckLayers(unittest.TestCase):
    def test_cycle_through_grouped_use_and_super_fails(self):
        code, out = run("cycle")
        self.assertEqual(code, 1, out)
        self.assertIn("import cycle among 2 modules: crate::a, crate::b::c", out)
        self.assertIn("crate::a -> crate::b::c", out)
        self.assertIn("crate::b::c -> crate::a", out)
        self.assertIn(os.path.join("b", "c.rs") + ":1", out)

    def test_a_hub_and_its_children_are_one_part(self):
        # A mod.rs that builds from its children while they use its items is
        # one folder's inside, not a cycle between parts.
        code, out = run("parent_child")
        self.assertEqual(code, 0, out)

    def test_clean_crate_passes(self):
        code, out = run("clean")
        self.assertEqual(code, 0, out)
        self.assertEqual(out.strip(), "no import cycles among 5 modules")

    def test_deny_rule(self):
        self.assertEqual(run("deny")[0], 0)
        code, out = run("deny", "--deny", "crate::low=crate::high")
        self.assertEqual(code, 1, out)
        self.assertIn("crate::low -> crate::high::api", out)
        code, out = run("deny", "--deny", "crate::high=crate::low")
        self.assertEqual(code, 0, out)

    def test_a_deny_rule_sees_through_no_facade(self):
        # low takes Thing through high's `pub use`: it still names high.
        self.assertEqual(run("deny_facade")[0], 0)
        code, out = run("deny_facade", "--deny", "crate::low=crate::high")
        self.assertEqual(code, 1, out)
        self.assertIn("crate::low -> crate::high", out)

    def test_bad_deny_rule_is_a_usage_error(self):
        self.assertEqual(run("deny", "--deny", "crate::low")[0], 2)

    def test_edges_follow_reexports_and_skip_facades(self):
        edges = check_layers.Crate(os.path.join(FIXTURES, "clean", "src")).edges()
        self.assertIn((("crate", "draw"), ("crate", "shapes", "circle")), edges)
        self.assertNotIn((("crate", "shapes"), ("crate", "shapes", "circle")), edges)
        self.assertNotIn(("crate",), {a for a, _ in edges})
        self.assertFalse([b for a, b in edges if a == ("crate", "base")])

    def test_expand_use(self):
        got = [(p, n) for p, n, _ in check_layers.expand_use("crate::{a::b, c::{self, d as e, *}}", 0)]
        self.assertEqual(got, [
            (["crate", "a", "b"], "b"),
            (["crate", "c"], "c"),
            (["crate", "c", "d"], "e"),
            (["crate", "c"], "*"),
        ])


if __name__ == "__main__":
    unittest.main()
