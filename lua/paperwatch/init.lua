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
M.mail = require "paperwatch.mail"
M.db = require "paperwatch.db"

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

local RULE_OPTIONS = {
  keep = "boolean", hide = "boolean", drop = "boolean", tag = "string",
  on_match = "function", renotify = "boolean",
}

local function add_rule(name, fn, sig, level, t, spec)
  if registry.rule_names[name] then
    error(("pw.rule: a rule named '%s' is already registered"):format(name), level + 1)
  end
  if t.keep and t.drop then
    error(("pw.rule '%s': keep and drop exclude each other"):format(name), level + 1)
  end
  registry.rule_names[name] = true
  registry.rules[#registry.rules + 1] = {
    name = name, fn = fn, sig = sig, where = check.where(level + 1),
    kind = spec and "declarative" or "function", spec = spec,
    keep = t.keep or false, hide = t.hide or false, drop = t.drop or false,
    tag = t.tag, on_match = t.on_match, renotify = t.renotify or false,
  }
end

--- pw.rule(name, function(p) return score[, reason] end [, options]), or
--- pw.rule { name = ..., match/words/title/abstract/any/authors/categories/
--- announce/source = ..., score = n, keep/hide/drop = true, tag = "x" }, or
--- pw.rule { name = ..., fn = function(p) ... end, hide = true ... }
function M.rule(a, b, c)
  if type(a) == "string" then
    if type(b) ~= "function" then
      error(("pw.rule '%s': expected a function as the second argument"):format(a), 2)
    end
    if c ~= nil and type(c) ~= "table" then
      error(("pw.rule '%s': the options (third argument) must be a table"):format(a), 2)
    end
    c = c or {}
    check.fields("pw.rule '" .. a .. "'", c, RULE_OPTIONS, 2)
    add_rule(a, rules.sandbox(b), rules.function_signature(a, b)
      .. rules.signature(c), 2, c)
    return
  end
  if type(a) ~= "table" then
    error("pw.rule: expected a table { name = ..., score = ... } or (name, function)", 2)
  end
  check.fields("pw.rule", a, rules.FIELDS, 2)
  if not a.name then error("pw.rule: a rule needs a name", 2) end
  if a.fn then
    for k in pairs(a) do
      if RULE_OPTIONS[k] == nil and k ~= "name" and k ~= "fn" then
        error(("pw.rule '%s': '%s' does not go with fn (a function rule takes "
          .. "name, fn, keep, hide, drop, renotify, tag, on_match)"):format(a.name, k), 2)
      end
    end
    add_rule(a.name, rules.sandbox(a.fn), rules.signature(a), 2, a)
    return
  end
  if a.score == nil and not (a.keep or a.hide or a.drop or a.tag) then
    error(("pw.rule '%s': a declarative rule needs a score (or keep, hide, "
      .. "drop or tag)"):format(a.name), 2)
  end
  local fn, spec = rules.compile(a, 2)
  add_rule(a.name, fn, rules.signature(a), 2, a, spec)
end

--- pw.on_match(function(p, score) ... end [, { min_score = n }]): called
--- after a run for each new, visible paper whose total reaches min_score
--- (default: above 0).
function M.on_match(fn, opts)
  if type(fn) ~= "function" then
    error("pw.on_match: expected a function(p, score)", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("pw.on_match: the options (second argument) must be a table", 2)
  end
  opts = opts or {}
  check.fields("pw.on_match", opts, { min_score = "number" }, 2)
  registry.hooks[#registry.hooks + 1] = {
    fn = fn, min_score = opts.min_score, where = check.where(2),
  }
end

--- pw.limits { instructions = n, memory_mb = n }: the instruction budget of
--- each rule call and the cap on the Lua heap while rules run.
function M.limits(t)
  if type(t) ~= "table" then error("pw.limits: expected a table", 2) end
  check.fields("pw.limits", t, { instructions = "number", memory_mb = "number" }, 2)
  if t.instructions and (t.instructions < 1000 or t.instructions % 1 ~= 0) then
    error("pw.limits: instructions must be a whole number of at least 1000", 2)
  end
  if t.memory_mb and (t.memory_mb < 1 or t.memory_mb > 65536) then
    error("pw.limits: memory_mb must be between 1 and 65536", 2)
  end
  registry.limits = t
end

--- "HH:MM" -> minutes after midnight, or nil
local function clock_minutes(s)
  local h, m = s:match("^(%d%d?):(%d%d)$")
  h, m = tonumber(h), tonumber(m)
  if h and h < 24 and m < 60 then return h * 60 + m end
end

--- pw.notify { min_score = n, max = 5, quiet = "22:00-07:00" }: a desktop
--- notification for papers whose total score reaches n (once per paper,
--- ever); more than `max` at once make one summary bubble; nothing is
--- shown in the quiet hours (local time).
local function notify(t)
  if type(t) ~= "table" then error("pw.notify: expected a table { min_score = n }", 2) end
  check.fields("pw.notify", t, { min_score = "number", max = "number",
                                 quiet = "string" }, 2)
  if t.max and (t.max < 1 or t.max % 1 ~= 0) then
    error("pw.notify: max must be a whole number of at least 1", 2)
  end
  local n = { min_score = t.min_score or 1, max = t.max }
  if t.quiet then
    local from, to = t.quiet:match("^%s*(%d%d?:%d%d)%s*%-%s*(%d%d?:%d%d)%s*$")
    n.quiet_from = from and clock_minutes(from)
    n.quiet_to = to and clock_minutes(to)
    if not (n.quiet_from and n.quiet_to) then
      error(("pw.notify: quiet must be local times \"HH:MM-HH:MM\" (e.g. \"22:00-07:00\"), got %q")
            :format(t.quiet), 2)
    end
  end
  registry.notify = n
end
--- pw.notify.send { title =, body =, url =, urgency = }: a bubble now.
M.notify = setmetatable({ send = require("paperwatch.notify").send }, {
  __call = function(_, t) return notify(t) end,
})

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
  subject = "string", templates = "table",
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
  local bad = require("paperwatch.digest").check(t)
  if bad then error("pw.digest: " .. bad, 2) end
  registry.digest = t
end

-- Under `paperwatch check`, the config's mistakes are collected, each
-- with the user's file:line, instead of stopping at the first one.
if registry.checking then check.collect(M, registry) end

return M
