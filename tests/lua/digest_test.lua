-- digest_test.lua: the digest templates' helpers and rendering, pure Lua.
local t = require "t"
local digest = require "paperwatch.digest"

t.eq(digest.html_escape([[<a href="x">&'</a>]]),
     "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", "html_escape")
t.eq(digest.md_escape("a_b*[c]"), "a\\_b\\*\\[c\\]", "md_escape")
t.eq(digest.trim("short", 10), "short", "trim: short text kept")
local cut = digest.trim(("word "):rep(50), 40)
t.ok(#cut <= 40 + #"…" and cut:sub(-3) == "…", "trim: cut and marked")
t.ok(utf8.len(digest.trim(("é"):rep(40), 21)) ~= nil, "trim: never splits UTF-8")
t.eq(digest.wrap("aa bb cc", 5, ""), "aa bb\ncc", "wrap")

local function sample()
  return { since = 0, ["until"] = 86400, min_score = 1, papers = {
    { key = "k1", title = "One", authors = { "A" }, abstract = "x", score = 3,
      url = "https://e.org/1", reasons = { { rule = "r1", score = 3 } }, tags = {} },
    { key = "k2", title = "Two", authors = {}, abstract = "", score = 2,
      reasons = { { rule = "r2", score = 2, reason = "why" } }, tags = { "t" } },
  } }
end

local d = digest.prepare(sample())
t.eq(#d.groups, 2, "two groups")
t.eq(d.groups[1].name, "r1", "grouped by best rule")
t.eq(d.groups[2].name, "t", "a tag wins over rules")
t.eq(d.papers[2].reasons_text, "r2 +2 (why)", "reasons text")
t.eq(d.papers[1].links[1].label, "abstract", "links")
t.ok(digest.render("html", sample()):find("<!DOCTYPE html>", 1, true) ~= nil, "render html")
t.ok(digest.render("text", sample()):find("== r1 (1) ==", 1, true) ~= nil, "render text")
t.check_error("no template for format 'pdf'", "unknown format", digest.render, "pdf", sample())
t.eq(digest.check { every = "fortnight" }:match("^every"), "every", "check every")
t.eq(digest.check { at = "mon 08:00", every = "week" }, nil, "check ok")
t.done()
