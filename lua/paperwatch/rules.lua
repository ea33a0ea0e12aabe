-- paperwatch.rules: declarative rule tables compiled into functions of a
-- paper, and the sandbox rule functions run in. Internal: users write
-- pw.rule { ... } or pw.rule(name, function(p) ... end).
--
-- Every declarative rule also keeps a plain description of itself
-- (rule.spec: tests with their fields and patterns, score, reason, mode):
-- the host compiles the whole set into one C matcher (agent/match.c) and
-- runs the closure built here only where C cannot be sure to agree.
local re = require "paperwatch.re"
local paper = require "paperwatch.paper"

local M = {}

-- Text fields take a regex, a list of regexes, or { words = { ... } }.

M.FIELDS = {
  name = "string", score = "number", reason = "string",
  match = "string|table", title = "string|table", abstract = "string|table",
  any = "string|table", words = "string|table",
  authors = "string|table", categories = "string|table",
  announce = "string|table", source = "string|table",
  keep = "boolean", hide = "boolean", drop = "boolean", tag = "string",
  on_match = "function", fn = "function", case_sensitive = "boolean",
  renotify = "boolean",
}

-- The fields each text test looks at.
local OVER = {
  match = { "title", "abstract" }, words = { "title", "abstract" },
  title = { "title" }, abstract = { "abstract" },
  any = { "title", "abstract", "authors", "categories", "comment",
          "journal_ref", "source" },
}

local function list(v)
  return type(v) == "table" and v or { v }
end

local function fail(rule, msg, level)
  error(("pw.rule '%s': %s"):format(rule, msg), level + 1)
end

-- Compile now, so a bad regex is reported at the user's line with its
-- position.
local function compile(rule, field, pat, cs, level)
  local r, err = re.compile(pat, cs)
  if not r then fail(rule, ("%s: %s"):format(field, err), level + 1) end
  return r
end

local function escape(w)
  return (w:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?%{%}|\\]", "\\%0"):gsub("%s+", "\\s+"))
end

--- A list of words or phrases as one regex matching any of them as whole
--- words (case-insensitive unless asked).
function M.words_regex(words)
  local alts = {}
  for _, w in ipairs(words) do alts[#alts + 1] = escape(w) end
  return [[(?<![\w])(?:]] .. table.concat(alts, "|") .. [[)(?![\w])]]
end

-- One text test: { field =, kind = "regex"|"words", patterns = {...} }.
local function text_test(rule, field, v, cs, level)
  local spec, kind, pats = { field = field }, "regex"
  if type(v) == "table" and v.words ~= nil then
    for k in pairs(v) do
      if k ~= "words" then
        fail(rule, ("%s: unknown key '%s' (a text field takes a regex, a "
          .. "list of regexes or { words = { ... } })"):format(field, tostring(k)),
          level + 1)
      end
    end
    kind, pats = "words", list(v.words)
  elseif field == "words" then
    kind, pats = "words", list(v)
  else
    pats = list(v)
  end
  if #pats == 0 then fail(rule, field .. ": an empty list matches nothing", level + 1) end
  for i, p in ipairs(pats) do
    if type(p) ~= "string" then
      fail(rule, ("%s[%d] must be a string, got %s"):format(field, i, type(p)), level + 1)
    end
  end
  spec.kind, spec.patterns = kind, pats
  local rx
  if kind == "words" then
    spec.regex = M.words_regex(pats)
    rx = { compile(rule, field, spec.regex, cs, level + 1) }
  else
    rx = {}
    for _, p in ipairs(pats) do rx[#rx + 1] = compile(rule, field, p, cs, level + 1) end
  end
  local over = OVER[field]
  local function test(p)
    for _, f in ipairs(over) do
      local text = p[f]
      if type(text) == "table" or type(text) == "userdata" then
        text = table.concat(text, "\n")
      end
      if text then
        for i = 1, #rx do
          if rx[i]:test(text) then return true end
        end
      end
    end
    return false
  end
  return test, spec
end

local function set_of(v)
  local s = {}
  for _, x in ipairs(list(v)) do s[x] = true end
  return s
end

local MODES = { "keep", "hide", "drop" }

--- Build a declarative rule: returns fn(p) -> (score or true), reason when
--- everything it names matches (nil otherwise), and its spec.
function M.compile(t, level)
  level = level + 1
  local name, tests = t.name, {}
  local spec = { name = name, score = t.score, tag = t.tag, tests = {},
                 case_sensitive = t.case_sensitive or false }
  local why = {}
  local function add(f, s, label)
    tests[#tests + 1] = f
    spec.tests[#spec.tests + 1] = s
    why[#why + 1] = label
  end
  for _, field in ipairs { "match", "words", "title", "abstract", "any" } do
    if t[field] ~= nil then
      local f, s = text_test(name, field, t[field], t.case_sensitive, level)
      add(f, s, field)
    end
  end
  if t.authors then
    local names = list(t.authors)
    add(function(p)
      for _, n in ipairs(names) do
        if paper.has_author(p, n) then return true end
      end
      return false
    end, { field = "authors", kind = "names", patterns = names }, "authors")
  end
  if t.categories then
    local cats = list(t.categories)
    add(function(p)
      for _, c in ipairs(cats) do
        if paper.in_category(p, c) then return true end
      end
      return false
    end, { field = "categories", kind = "categories", patterns = cats }, "categories")
  end
  for _, field in ipairs { "announce", "source" } do
    if t[field] then
      local s = set_of(t[field])
      add(function(p) return s[p[field] or ""] == true end,
        { field = field, kind = "set", patterns = list(t[field]) }, field)
    end
  end
  if #tests == 0 then
    error(("pw.rule '%s': nothing to match (give match, words, title, abstract, "
      .. "any, authors, categories, announce or source)"):format(name), level)
  end
  for _, m in ipairs(MODES) do spec[m] = t[m] or false end
  local score = t.score or 0
  local reason = t.reason or ("matched %s"):format(table.concat(why, ", "))
  spec.reason = reason
  local hit = score ~= 0 and score or true
  local n = #tests
  return function(p)
    for i = 1, n do
      if not tests[i](p) then return nil end
    end
    return hit, reason
  end, spec
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

--- A stable text of the rule's definition, for the rule set's hash.
function M.signature(t)
  local parts = {}
  for _, k in ipairs(sorted_keys(t)) do
    local v = t[k]
    if type(v) == "table" then
      local sub = {}
      for _, sk in ipairs(sorted_keys(v)) do
        local sv = v[sk] ~= nil and v[sk] or v[tonumber(sk)]
        sub[#sub + 1] = sk .. ":" .. (type(sv) == "table"
          and table.concat(sv, "\0") or tostring(sv))
      end
      v = table.concat(sub, "\0")
    elseif type(v) == "function" then
      v = M.function_signature(k, v)
    end
    parts[#parts + 1] = k .. "=" .. tostring(v)
  end
  return table.concat(parts, "\1")
end

--- A function rule's signature: its own source lines when readable.
function M.function_signature(name, fn)
  local info = debug.getinfo(fn, "S")
  local sig = { name, info.source, info.linedefined, info.lastlinedefined }
  local path = info.source:match("^@(.*)")
  local f = path and io.open(path)
  if f then
    local n = 0
    for line in f:lines() do
      n = n + 1
      if n >= info.linedefined and n <= info.lastlinedefined then
        sig[#sig + 1] = line
      end
      if n > info.lastlinedefined then break end
    end
    f:close()
  end
  return table.concat(sig, "\n")
end

-- The sandbox rule functions run in. Rules see the paper, pure functions
-- of the standard library and a read-only part of pw; not io, os.execute
-- and friends, package, debug, binary chunks or the network. It is a
-- guard rail for the user's own code, not a wall against an adversary.

local BLOCKED = {
  io = "io", debug = "debug", package = "package", dofile = "dofile",
  loadfile = "loadfile", collectgarbage = "collectgarbage", rawset = "rawset",
}

local function refuse(what)
  error(("%s is not available inside rules (rules only look at the paper: "
    .. "do I/O in the config or in an on_match hook)"):format(what), 3)
end

local function restricted(name, t, allowed, extra)
  local view = {}
  for k in pairs(allowed) do view[k] = t[k] end
  for k, v in pairs(extra or {}) do view[k] = v end
  return setmetatable(view, {
    __index = function(_, k) refuse(name .. "." .. tostring(k)) end,
    __newindex = function(_, k) refuse("setting " .. name .. "." .. tostring(k)) end,
    __metatable = false,
  })
end

local sandboxes = setmetatable({}, { __mode = "k" })

local function make_sandbox(config_env)
  local pw = require "paperwatch"
  local base = {
    assert = assert, error = error, ipairs = ipairs, next = next,
    pairs = pairs, pcall = pcall, select = select, tonumber = tonumber,
    tostring = tostring, type = type, xpcall = xpcall, print = print,
    getmetatable = getmetatable, setmetatable = setmetatable,
    rawequal = rawequal, rawget = rawget, rawlen = rawlen,
    _VERSION = _VERSION, string = string, table = table, math = math,
    utf8 = utf8, coroutine = coroutine,
    os = restricted("os", os, { time = true, clock = true, date = true,
                                difftime = true }),
  }
  local sandbox = {}
  base.load = function(chunk, name, mode, env)
    if mode ~= nil and mode ~= "t" then refuse("load of binary chunks") end
    return load(chunk, name, "t", env or sandbox)
  end
  base.require = function(name)
    local m = package.loaded[name]
    if m == nil then refuse(("require '%s' (a module the config has not loaded)")
      :format(tostring(name))) end
    if name == "paperwatch" then return base.pw end
    if name == "paperwatch.http" or name == "paperwatch.notify" then
      refuse("require '" .. name .. "'")
    end
    return m
  end
  local db = pw.db
  base.pw = restricted("pw", pw, { re = true, json = true, time = true,
                                   log = true, version = true },
    { db = db and restricted("pw.db", db, { query = true, papers = true,
                                            tags = true }) })
  return setmetatable(sandbox, {
    __index = function(_, k)
      local v = base[k]
      if v ~= nil then return v end
      if BLOCKED[k] then refuse(BLOCKED[k]) end
      return rawget(config_env, k) -- the config's own globals
    end,
    __newindex = function(_, k)
      refuse(("setting the global '%s'"):format(tostring(k)))
    end,
    __metatable = false,
  })
end

--- Give fn (a rule function) the sandbox as its _ENV, when it has one; the
--- config and its other functions keep the full library. Upvalues holding
--- io, os, debug, package or the paperwatch module (`local pw = require
--- "paperwatch"`) are swapped for the sandbox's views too. Only fn's own
--- upvalues change: helpers it calls keep theirs.
function M.sandbox(fn)
  local env
  for i = 1, math.huge do
    local name, v = debug.getupvalue(fn, i)
    if name == nil then break end
    if name == "_ENV" and type(v) == "table" then env = v end
  end
  env = env or _ENV
  local sb = sandboxes[env]
  if not sb then sb = make_sandbox(env); sandboxes[env] = sb end
  local pw = package.loaded.paperwatch
  for i = 1, math.huge do
    local name, v = debug.getupvalue(fn, i)
    if name == nil then break end
    local repl
    if name == "_ENV" then
      repl = sb
    elseif v ~= nil and v == pw then
      repl = sb.pw
    elseif v == os then
      repl = sb.os
    elseif v ~= nil and (v == io or v == debug or v == package) then
      local what = v == io and "io" or v == debug and "debug" or "package"
      repl = setmetatable({}, { __index = function() refuse(what) end,
                                __metatable = false })
    end
    if repl ~= nil then
      local function anchor() return repl end
      debug.upvaluejoin(fn, i, anchor, 1)
    end
  end
  return fn
end

return M
