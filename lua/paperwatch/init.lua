-- paperwatch: the module every config and script sees (also `pw` in
-- init.lua). The public surface is written down in lua/meta/paperwatch.d.lua.
local registry = require "paperwatch.registry"
local check = require "paperwatch.check"
local rules = require "paperwatch.rules"
local cfeed = require "paperwatch.feed"

local M = {}

M.version = "0.1.0"
M.re = require "paperwatch.re"
M.json = require "paperwatch.json"
M.log = require "paperwatch.log"
M.time = require "paperwatch.time"
M.http = require "paperwatch.http"
M.arxiv = require "paperwatch.sources.arxiv"
M.hf = require "paperwatch.sources.hf"

local SOURCE_FIELDS = {
  name = "string", url = "string", format = "string", interval = "number",
  min_delay = "number", timeout = "number", max_bytes = "number",
  connect_timeout = "number", stall_timeout = "number", fetch = "function",
  ca_file = "string",
}
local FORMATS = { auto = true, atom = true, rss = true, rdf = true, json = true }

-- A relative path or "file:relative" resolves against the config's folder.
local function resolve(url)
  if url:match("^%a[%w+.-]*://") then return url end
  local path = url:gsub("^file:", "")
  if path:sub(1, 1) ~= "/" then
    path = registry.config_dir .. "/" .. path
  end
  return "file://" .. path
end

local function feed_source(t, level)
  level = (level or 1) + 1
  if type(t) ~= "table" then
    error("pw.feed: expected a table { name = ..., url = ... }", level)
  end
  check.fields("pw.feed", t, SOURCE_FIELDS, level)
  if t.fetch then
    if not t.name then
      error("pw.source: a source with a fetch function needs a name", level)
    end
    local src = {}
    for k, v in pairs(t) do src[k] = v end
    src.format = t.format or "auto"
    return src
  end
  if not t.url then error("pw.feed: a source needs a url (or a fetch function)", level) end
  if not t.url:match("^https?://") and not t.url:match("^file:")
      and t.url:match("^%a[%w+.-]*://") then
    error(("pw.feed: unsupported URL scheme in '%s' (http, https or file)")
      :format(t.url), level)
  end
  if t.format and not FORMATS[t.format] then
    error(("pw.feed: unknown format '%s' (auto, atom, rss, rdf, json)")
      :format(t.format), level)
  end
  local src = {}
  for k, v in pairs(t) do src[k] = v end
  src.name = t.name or t.url
  src.format = t.format or "auto"
  return src
end

--- pw.feed { name =, url = } makes a source of any RSS, Atom or JSON feed;
--- pw.feed.parse(text [, name]) runs the C parser over a string.
M.feed = setmetatable({ parse = cfeed.parse }, {
  __call = function(_, t) return feed_source(t, 2) end,
})

--- pw.source(src): register a source made by pw.feed, pw.arxiv.*, pw.hf.*
--- or a plain table with the same fields.
function M.source(src)
  if type(src) ~= "table" then
    error("pw.source: expected a source table (pw.feed{...}, pw.arxiv.listing{...})", 2)
  end
  src = feed_source(src, 2)
  if registry.source_names[src.name] then
    error(("pw.source: a source named '%s' is already registered"):format(src.name), 2)
  end
  if src.url then src.url = resolve(src.url) end
  registry.source_names[src.name] = true
  registry.sources[#registry.sources + 1] = src
  return src
end

local function add_rule(name, fn, sig, level)
  if registry.rule_names[name] then
    error(("pw.rule: a rule named '%s' is already registered"):format(name), level + 1)
  end
  registry.rule_names[name] = true
  registry.rules[#registry.rules + 1] = {
    name = name, fn = fn, sig = sig, where = check.where(level + 1),
  }
end

--- pw.rule(name, function(p) return score[, reason] end), or
--- pw.rule { name = ..., match/title/abstract/authors/categories = ..., score = n }
function M.rule(a, b)
  if type(a) == "string" then
    if type(b) ~= "function" then
      error(("pw.rule '%s': expected a function as the second argument"):format(a), 2)
    end
    add_rule(a, b, rules.function_signature(a, b), 2)
    return
  end
  if type(a) ~= "table" then
    error("pw.rule: expected a table { name = ..., score = ... } or (name, function)", 2)
  end
  check.fields("pw.rule", a, rules.FIELDS, 2)
  if not a.name then error("pw.rule: a rule needs a name", 2) end
  if a.score == nil then
    error(("pw.rule '%s': a declarative rule needs a score"):format(a.name), 2)
  end
  add_rule(a.name, rules.compile(a, 2), rules.signature(a), 2)
end

--- pw.notify { min_score = n }: a desktop notification for papers whose
--- total score reaches n (once per paper, ever).
function M.notify(t)
  if type(t) ~= "table" then error("pw.notify: expected a table { min_score = n }", 2) end
  check.fields("pw.notify", t, { min_score = "number" }, 2)
  registry.notify = { min_score = t.min_score or 1 }
end

--- pw.options { contact = "you@example.org", concurrency = 8 }: the
--- contact address sent in the User-Agent (arXiv asks for one) and how
--- many transfers run at once.
function M.options(t)
  if type(t) ~= "table" then error("pw.options: expected a table", 2) end
  check.fields("pw.options", t, { contact = "string", concurrency = "number" }, 2)
  if t.concurrency and (t.concurrency < 1 or t.concurrency % 1 ~= 0) then
    error("pw.options: concurrency must be a whole number of at least 1", 2)
  end
  registry.options = t
end

local DIGEST_FIELDS = {
  every = "string", at = "string", min_score = "number", top = "number",
  mail = "table", send_empty = "boolean", format = "string",
}
local MAIL_FIELDS = {
  to = "string|table", from = "string", url = "string", user = "string",
  password_command = "string",
}

--- pw.digest { every =, at =, min_score =, top =, mail = { ... } }
function M.digest(t)
  if type(t) ~= "table" then error("pw.digest: expected a table", 2) end
  check.fields("pw.digest", t, DIGEST_FIELDS, 2)
  if t.mail then check.fields("pw.digest: mail", t.mail, MAIL_FIELDS, 2) end
  registry.digest = t
end

return M
