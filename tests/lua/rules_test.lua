-- luacheck: globals GLOBAL_FOR_RULES NEW_GLOBAL
-- Rules from Lua: every form of pw.rule and its errors, words and the
-- other match fields, keep/hide/drop/tag, the plain spec of declarative
-- rules, the sandbox rule functions get, on_match, limits, notify.send and
-- db without a database.
local t = require "t"
local pw = require "paperwatch"
local reg = require "paperwatch.registry"

local function rule(name)
  for _, r in ipairs(reg.rules) do if r.name == name then return r end end
end
local P = { title = "A Two-Stage LLM for Protein Folding", abstract = "We study large language models.",
  authors = { "Percy Liang", "Ada Lovelace" }, categories = { "cs.LG", "q-bio.BM" },
  announce = "new", source = "arxiv", comment = "10 pages" }
setmetatable(P, { __index = require "paperwatch.paper" })

-- words: whole words, case-insensitive, phrases with any spacing
pw.rule { name = "w", words = { "LLM", "large language model" }, score = 2 }
t.eq(rule("w").fn(P), 2, "words match a whole word")
t.eq(rule("w").fn({ title = "LLMs", abstract = "" }), nil, "words: not inside a longer word")
t.eq(rule("w").fn({ title = "x", abstract = "a LARGE\nlanguage   model" }), 2, "words: phrase across spaces")
pw.rule { name = "tw", title = { words = { "folding" } }, score = 1 }
t.eq(rule("tw").fn(P), 1, "title = { words = ... }")
pw.rule { name = "cs", title = "llm", case_sensitive = true, score = 1 }
t.eq(rule("cs").fn(P), nil, "case_sensitive regex")

-- any, announce, source, authors, categories, several fields (all must match)
pw.rule { name = "any", any = "Lovelace", score = 1 }
t.eq(rule("any").fn(P), 1, "any looks at authors too")
pw.rule { name = "ann", announce = { "cross", "replace-cross" }, score = -1 }
t.eq(rule("ann").fn(P), nil, "announce set")
pw.rule { name = "both", authors = "percy  liang", categories = "q-bio", score = 4,
          reason = "Percy in bio" }
local s, why = rule("both").fn(P)
t.eq(s, 4, "authors and categories both match"); t.eq(why, "Percy in bio", "reason")
pw.rule { name = "neither", authors = "percy liang", source = "hf", score = 4 }
t.eq(rule("neither").fn(P), nil, "every field must match")
pw.rule { name = "neg", title = "two-stage", score = -2.5 }
t.eq(rule("neg").fn(P), -2.5, "negative score")

-- modes and tags
pw.rule { name = "k", categories = "cs", keep = true }
pw.rule { name = "h", title = "survey", hide = true, tag = "surveys" }
pw.rule { name = "d", categories = "physics", drop = true }
t.ok(rule("k").keep and rule("h").hide and rule("d").drop, "modes kept in the registry")
t.eq(rule("k").fn(P), true, "a keep rule without score matches with true")
t.eq(rule("h").tag, "surveys", "tag")
t.eq(rule("w").spec.tests[1].kind, "words", "spec: kind")
t.eq(rule("w").spec.tests[1].patterns[2], "large language model", "spec: patterns")
t.eq(rule("k").spec.keep, true, "spec: mode")
t.eq(rule("k").kind, "declarative", "kind")
t.check_error("keep and drop exclude", "keep with drop",
  pw.rule, { name = "kd", title = "x", keep = true, drop = true })
t.check_error("needs a score (or keep", "no score, no mode",
  pw.rule, { name = "ns", title = "x" })
t.check_error("unknown key 'wrds'", "words typo", pw.rule,
  { name = "wt", title = { wrds = { "x" }, words = { "y" } }, score = 1 })
t.check_error("empty list", "empty words", pw.rule, { name = "e", words = {}, score = 1 })
t.check_error("must be a string", "non-string pattern", pw.rule,
  { name = "e2", title = { 1 }, score = 1 })

-- function rules: 2-arg, with options, table with fn
pw.rule("f1", function(p) return 1 end, { tag = "f", hide = true })
t.ok(rule("f1").hide and rule("f1").tag == "f" and rule("f1").kind == "function",
  "pw.rule(name, fn, options)")
pw.rule { name = "f2", fn = function(p) return true end, drop = true }
t.ok(rule("f2").drop, "pw.rule { fn = ... }")
t.check_error("does not go with fn", "fn with match fields",
  pw.rule, { name = "f3", fn = print, title = "x" })
t.check_error("unknown field 'hid'", "options typo",
  pw.rule, "f4", function() end, { hid = true })
t.check_error("must be a table", "options type", pw.rule, "f5", function() end, 3)

-- the sandbox: rules lose io, os.execute, debug, binary load, pw.http;
-- the script keeps them
pw.rule("sb", function(p)
  local out = {}
  for _, f in ipairs {
    function() return io.open("/etc/hostname") end,
    function() return os.execute("true") end,
    function() return debug.getinfo(1) end,
    function() return load("\27Lua", "b", "b") end,
    function() return require "paperwatch.http" end,
    function() return pw.http.get("http://127.0.0.1:1/") end,
    function() return package.loadlib end,
  } do
    local ok, err = pcall(f)
    out[#out + 1] = (not ok and tostring(err):find("not available inside rules")) and "x" or "-"
  end
  return table.concat(out), os.time() > 0 and string.format("%d", 1) or nil
end)
t.eq(rule("sb").fn(P), "xxxxxxx", "every escape refused inside a rule")
t.ok(io.open ~= nil and os.execute ~= nil and debug.getinfo ~= nil, "the script keeps the full library")
GLOBAL_FOR_RULES = 7
pw.rule("g", function(p) return GLOBAL_FOR_RULES end)
t.eq(rule("g").fn(P), 7, "rules see the config's own globals")
pw.rule("set", function(p) NEW_GLOBAL = 1 end)
t.check_error("setting the global 'NEW_GLOBAL'", "rules cannot set globals", rule("set").fn, P)

-- on_match and limits
pw.on_match(function() end, { min_score = 3 })
t.eq(reg.hooks[#reg.hooks].min_score, 3, "pw.on_match")
t.check_error("expected a function", "on_match needs a function", pw.on_match, 1)
t.check_error("unknown field 'min'", "on_match options", pw.on_match, print, { min = 1 })
pw.limits { instructions = 5000, memory_mb = 8 }
t.eq(reg.limits.memory_mb, 8, "pw.limits")
t.check_error("at least 1000", "budget too small", pw.limits, { instructions = 10 })
t.check_error("between 1 and 65536", "memory cap range", pw.limits, { memory_mb = 0 })

-- notify: threshold and send
pw.notify { min_score = 3 }
t.eq(reg.notify.min_score, 3, "pw.notify{} still sets the threshold")
t.check_error("a title is needed", "notify.send without title", pw.notify.send, { body = "x" })
t.check_error("unknown field 'titel'", "notify.send typo", pw.notify.send, { titel = "x" })
t.check_error("bad argument #1", "notify.send needs a table", pw.notify.send, "x")

-- db: misuse raises; no database is nil, msg
t.check_error("bad argument #1", "db.query needs SQL", pw.db.query, {})
t.check_error("unknown field 'autor'", "db.papers typo", pw.db.papers, { autor = "x" })
if not pw.db.path() then
  local rows, err = pw.db.query("SELECT 1")
  t.ok(rows == nil and err:find("no database"), "db.query without a database: " .. tostring(err))
end

t.done()
