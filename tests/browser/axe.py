"""axe-core in a test's browser: tests/browser/vendor's axe.min.js added to every
document a context opens (before the page's scripts, outside its Content-Security-Policy,
which stays on), run for WCAG 2.1 A/AA, violations listed readably."""

from pathlib import Path

VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
    why: [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none].map(c => c.message)[0] || "",
  }));
}"""


# A live page is checked as it stands once its socket has delivered what the page shows
# live (the snapshots of its streams, e.g. the alerts banner): the server answers a ping
# only after the subscriptions the page sent before it.
SETTLE = """async () => {
  const body = document.body;
  if (!body.dataset.liveUrl) return "settled";
  const deadline = Date.now() + 30000;
  while (body.dataset.live !== "open" || !window.asambleaLive) {
    if (Date.now() > deadline) return "its live socket never opened";
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return await new Promise(resolve => {
    const timer = setTimeout(() => resolve("no answer on its live socket"), 30000);
    document.addEventListener("live:event", function pong(event) {
      if (event.detail.type !== "pong") return;
      clearTimeout(timer);
      document.removeEventListener("live:event", pong);
      resolve("settled");
    });
    window.asambleaLive.send({type: "ping"});
  });
}"""


def add_axe(context):
    """axe in every document `context` opens from now on (it only defines window.axe)."""
    context.add_init_script(path=str(AXE))


def axe_violations(page):
    return page.evaluate(RUN_AXE, TAGS)


def axe_problems(page, where):
    """One readable line per violation on the page as it stands, after its live socket
    has delivered what it shows live; an empty list when axe finds nothing."""
    settled = page.evaluate(SETTLE)
    problems = [] if settled == "settled" else [f"{where}: {settled}"]
    for v in axe_violations(page):
        targets = ", ".join(v["targets"][:8])
        problems.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} [{targets}] {v['why']}")
    return problems
