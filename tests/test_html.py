"""HTML compaction keeps what a reader sees and drops indentation."""

from __future__ import annotations

from confkb.pages.html import compact_html


def test_compaction_collapses_indentation_but_not_code() -> None:
    """Indented markup shrinks; pre, script and inline spacing stay exactly as they were."""
    html = (
        "<ul>\n      <li>\n        <a href='x'>A</a> <b>B</b>\n      </li>\n\n\n    </ul>\n"
        "<pre><code>line 1\n    indented\n\n  kept</code></pre>\n"
        "<script>\n  var a = 1;\n\n  var b = 2;\n</script>\n   <p>end</p>"
    )
    out = compact_html(html)
    assert out.startswith("<ul>\n<li>\n<a href='x'>A</a> <b>B</b>\n</li>\n</ul>\n")
    assert "<pre><code>line 1\n    indented\n\n  kept</code></pre>" in out
    assert "<script>\n  var a = 1;\n\n  var b = 2;\n</script>" in out
    assert out.endswith("\n<p>end</p>")
    assert len(out) < len(html)


def test_compaction_is_idempotent() -> None:
    """Compacting twice changes nothing more."""
    html = "<div>\n   <span>x</span>\n</div>\n<pre>  a\n  b</pre>"
    assert compact_html(compact_html(html)) == compact_html(html)
