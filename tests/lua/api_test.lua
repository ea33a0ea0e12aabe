-- The Lua API through the real host: module shape, validation errors at
-- the user's line, host primitives, the paper object.
local t = require "t"
local pw = require "paperwatch"
local here = arg[0]:match("^(.*)/") or "."
local fixtures = here .. "/../fixtures/"

-- the module
t.ok(type(pw.source) == "function", "pw.source")
t.ok(type(pw.rule) == "function", "pw.rule")
t.ok(type(pw.notify) == "table" and getmetatable(pw.notify).__call ~= nil,
  "pw.notify is callable (and has notify.send)")
t.ok(pw == _ENV.pw, "pw is the paperwatch module")

-- sources
local a = pw.arxiv.listing { "cs.LG", "cs.CL" }
t.eq(a.url, "https://rss.arxiv.org/rss/cs.LG+cs.CL", "arxiv listing url")
t.eq(a.name, "arxiv:cs.LG+cs.CL", "arxiv listing name")
t.eq(a.min_delay, 3, "arxiv asks for 3 s")
t.eq(pw.hf.daily { date = "2024-06-12" }.url,
  "https://huggingface.co/api/daily_papers?date=2024-06-12", "hf daily date")
t.check_error("non-empty list of categories", "listing needs categories",
  pw.arxiv.listing, {})
t.check_error("unknown field 'urll' (did you mean 'url'?)", "feed typo",
  pw.feed, { name = "x", urll = "y" })
t.check_error("needs a url", "feed without url", pw.feed, { name = "x" })
t.check_error("unsupported URL scheme", "gopher refused",
  pw.feed, { url = "gopher://x/" })
local src = pw.source(pw.feed { name = "rel", url = "feeds/x.xml" })
t.ok(src.url:match("^file:///.*/feeds/x%.xml$") ~= nil,
  "relative path resolved against the script's folder: " .. src.url)
t.check_error("already registered", "duplicate source",
  pw.source, pw.feed { name = "rel", url = "y.xml" })

-- rules: errors name the caller's line
local ok, err = pcall(pw.rule, { name = "r", title = "(", score = 1 })
t.ok(not ok and err:find("regex /%(/") ~= nil, "bad regex: " .. tostring(err))
t.check_error("needs a score", "declarative without score",
  pw.rule, { name = "r", title = "x" })
t.check_error("nothing to match", "declarative without fields",
  pw.rule, { name = "r", score = 1 })
t.check_error("expected a function", "function form",
  pw.rule, "r", 42)
t.check_error("must be a number", "score type", pw.rule,
  { name = "r", title = "x", score = "high" })
ok, err = pcall(function() pw.rule { name = "r2", title = "x", scroe = 1 } end)
t.ok(not ok and err:find("api_test.lua:%d+: pw.rule: unknown field 'scroe' %(did you mean 'score'%?%)"),
  "typo blamed on the user's line: " .. tostring(err))
pw.rule { name = "ok rule", title = "x", score = 1 }
t.check_error("already registered", "duplicate rule",
  pw.rule, { name = "ok rule", title = "y", score = 1 })
t.check_error("min_score", "notify type", pw.notify, { min_score = "4" })

-- re
local r = pw.re.compile("two[- ](phase|stage)")
t.ok(r:test("A TWO-PHASE method"), "re is case-insensitive by default")
t.ok(not pw.re.compile("abc", true):test("ABC"), "re case-sensitive on request")
local s, e = r:find("the two stage one")
t.eq(s, 5, "re:find start"); t.eq(e, 13, "re:find end")
local nore, msg = pw.re.compile("a(")
t.ok(nore == nil and msg:find("position") ~= nil, "bad regex: nil, msg with position")
t.ok(pw.re.compile("é"):test("CAFÉ"), "re is UTF-8 aware")

-- json
local v = pw.json.decode('{"a":[1,2,{"b":"c"}],"n":1.5,"t":true}')
t.eq(v.a[3].b, "c", "json.decode nested"); t.eq(v.n, 1.5, "json number")
t.eq(pw.json.encode({ 1, 2, 3 }), "[1,2,3]", "json.encode array")
t.eq(pw.json.encode({ k = "\"q\"\n" }), '{"k":"\\"q\\"\\n"}', "json.encode escapes")
local bad, why = pw.json.decode("{oops")
t.ok(bad == nil and why:find("invalid JSON"), "json.decode failure is nil, msg")
t.check_error("cannot encode a function", "json.encode misuse raises",
  pw.json.encode, { f = print })

-- time
t.eq(pw.time.parse("2024-01-02T03:04:05Z"), 1704164645, "time.parse rfc3339")
t.eq(pw.time.parse("Tue, 02 Jan 2024 04:04:05 +0100"), 1704164645, "time.parse rfc822")
t.eq(pw.time.format(1704164645), "2024-01-02T03:04:05Z", "time.format")
t.eq(pw.time.duration("2d"), 172800, "time.duration")
t.ok(pw.time.parse("yesterday") == nil, "time.parse failure is nil")

-- feed.parse: the C parser, from Lua
local f = assert(io.open(fixtures .. "arxiv-api-atom-search-2026.xml"))
local entries, info = pw.feed.parse(f:read("a"), "api")
f:close()
t.eq(#entries, 5, "feed.parse entries")
t.eq(entries[1].key, "arxiv:2606.13677", "feed.parse key")
t.eq(info.total_results, 28946, "feed.parse opensearch total")
local none, perr = pw.feed.parse("<html><body>hi</body></html>", "page")
t.ok(none == nil and perr:find("not a feed"), "feed.parse of HTML: " .. tostring(perr))

-- the paper object, as rules see it (methods, read-only)
local paper = require "paperwatch.paper"
local p = setmetatable({ title = "Two-Phase Training", abstract = "x",
  authors = { "Percy  Liang" }, categories = { "cs.LG" } }, { __index = paper })
t.ok(p:match("two[- ]phase"), "p:match")
t.ok(p:has_author("percy liang"), "p:has_author folds case and spaces")
t.ok(p:in_category("cs"), "p:in_category archive")
t.ok(not p:in_category("c"), "p:in_category is not a bare prefix")

-- log goes to stderr and does not raise
pw.log.debug("a debug line from a test")

t.done()
